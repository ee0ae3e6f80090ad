export {
  type CompiledInstrument,
  type CompiledMetric,
  type CompiledNodeKind,
  compileInstrument,
  metricLevel,
  predicateForUnits,
} from './compile.js';
export { INDEX_FORMULA } from './formula.js';
export {
  type ExactValue,
  exactValue,
  type Fraction,
  formatUnits,
  frac,
  roundHalfUpUnits,
  toFixedHalfUp,
} from './fraction.js';
export {
  buildReceipt,
  type RaiseOption,
  type ReceiptNode,
  type ReceiptOptions,
  type ReceiptValue,
  type ScoreReceipt,
} from './receipt.js';
export {
  type Answers,
  type AnswerValue,
  type Coverage,
  exactNodeIndices,
  type IndexValue,
  type NodeScore,
  type NodeStatus,
  type ScoreError,
  type ScoreErrorCode,
  type ScoreOptions,
  type ScoreOutcome,
  type ScoreResult,
  ScoringError,
  scoreAssessment,
  scoreBatch,
  scoreLevelsInto,
  scoreOrThrow,
} from './score.js';
