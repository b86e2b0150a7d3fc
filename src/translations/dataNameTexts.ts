// The data names are read by the flows room (the loader needs them too); re-exported for translators' tools.
export { readDataNameTexts, type DataName } from '../flows/dataNameTexts.ts';
