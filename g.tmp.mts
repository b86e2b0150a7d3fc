import { gradeOf } from './src/flows/checkReadability.ts';
for (const t of process.argv.slice(2)) console.log(gradeOf(t), t);
