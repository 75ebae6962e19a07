require('v8').setFlagsFromString(process.env.V8F || '');
const { PGlite } = require('@electric-sql/pglite');
const fs=require('fs');
const dir=process.argv[2]; const extra=process.argv.slice(3);
(async()=>{
 const mb=()=>Math.round(process.memoryUsage().rss/1048576);
 const b=mb();
 const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm');
 const { btree_gin } = require('@electric-sql/pglite/contrib/btree_gin');
 const db = await PGlite.create(dir, { extensions:{pg_trgm,btree_gin}, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', ...extra] });
 await db.query('select 1');
 global.gc?.();
 await new Promise(r=>setTimeout(r,2000));
 const mu=process.memoryUsage();
 console.log('bare', b, 'after open', mb(), 'heapUsed', Math.round(mu.heapUsed/1048576), 'external', Math.round(mu.external/1048576), 'ab', Math.round(mu.arrayBuffers/1048576));
 const smaps=fs.readFileSync('/proc/self/smaps','utf8').split('\n');let cur;const maps=[];
 for(const l of smaps){ if(/^[0-9a-f]+-[0-9a-f]+ /.test(l)){const [a,b]=l.split(' ')[0].split('-').map(x=>parseInt(x,16));cur={h:l.slice(0,100),v:(b-a)/1048576,r:0};maps.push(cur)} else if(l.startsWith('Rss:'))cur.r=+l.split(/\s+/)[1]/1024}
 maps.sort((a,b)=>b.r-a.r);console.log(maps.slice(0,14).map(m=>m.r.toFixed(0)+' v'+m.v.toFixed(0)+' '+m.h).join('\n'));
 await db.close();
})()
