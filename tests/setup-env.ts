// Loggers are silent in tests; servers started by tests pick their own ports.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
