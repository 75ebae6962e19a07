import { Route, Routes } from 'react-router';
import { SentEmailPage } from './SentEmailPage';
import { SentLogPage } from './SentLogPage';
import { SentStatsPage } from './SentStatsPage';

/** /sent, /sent/stats, /sent/:id */
export function SentPage() {
  return (
    <Routes>
      <Route index element={<SentLogPage />} />
      <Route path="stats" element={<SentStatsPage />} />
      <Route path=":id" element={<SentEmailPage />} />
    </Routes>
  );
}
