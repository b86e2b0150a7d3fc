// Where each text is used: shared with the translators' export (src/translations/keyUsage.ts).
export { keyUsage, type KeyUse } from '../../translations/keyUsage.ts';
