// warmEmotion(): the app calls it once at start so that building wink-nlp's
// model (~0.3 s) and the first, slow passes through the language detector and
// the scorer do not fall on the first customer message.
import { scoreMessage } from "./message";
import { wink } from "./wink";

let warmed = false;

export function warmEmotion(): void {
  if (warmed) return;
  wink();
  scoreMessage("Thanks, that helped! Still one question about my invoice though.");
  scoreMessage("Bonjour, je n'arrive pas à me connecter à mon compte.");
  warmed = true;
}
