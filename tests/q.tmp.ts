import { sql } from 'kysely';
import { openPglite } from './helpers/db.js';
const h = await openPglite();
const q = process.argv.slice(2).join(' ');
const r = await sql.raw(q).execute(h.db);
console.log(JSON.stringify(r.rows, null, 0).replaceAll('},{', '},\n{'));
await h.close();
