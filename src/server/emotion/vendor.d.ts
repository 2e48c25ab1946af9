// The parts of the lexicon libraries used here; neither ships types.

declare module "vader-sentiment" {
  const vader: {
    SentimentIntensityAnalyzer: {
      polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
    };
  };
  export default vader;
}

declare module "sentiment" {
  type Analysis = { score: number; comparative: number; tokens: string[]; words: string[]; positive: string[]; negative: string[] };
  export default class Sentiment {
    analyze(text: string): Analysis;
  }
}
