/** The terminal table of every report: the system CLI's (one implementation). */
export { renderTable } from '../../system/cli/index.js';
