const { PGlite } = require('@electric-sql/pglite');
(async()=>{
 const db = await PGlite.create('memory://', { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
 await db.exec('create table t (id int primary key, name text, n int); create index on t(name)');
 const t1=performance.now();
 for (let i=0;i<3000;i++) await db.query('insert into t values ($1,$2,$3)', [i, 'name'+i, i%7]);
 const t2=performance.now();
 for (let r=0;r<3;r++) for (let i=0;i<3000;i++) await db.query('select * from t where name = $1', ['name'+(i*7%3000)]);
 for (let i=0;i<300;i++) await db.query('select n, count(*) from t group by n');
 const t3=performance.now();
 console.log('insert', (t2-t1).toFixed(0), 'select', (t3-t2).toFixed(0), 'cpu', (process.cpuUsage().user/1000).toFixed(0), 'rss', Math.round(process.memoryUsage().rss/1048576));
 await db.close();
})()
