// "Je n'ai pas reçu le courriel": a new activation link (POST /activations/renvoi). The answer is
// the same whatever was typed, so that it tells nobody who is registered.

import { recoveryPage } from "../recovery.js";
import { MISTYPED } from "../registration.js";

export const title = "Je n'ai pas reçu le courriel d'activation";

export async function render() {
  return recoveryPage({
    heading: title,
    path: "/activations/renvoi",
    intro:
      "Vérifiez d'abord vos courriers indésirables. Sinon, saisissez votre numéro de sécurité sociale et l'adresse courriel de votre inscription : " +
      "un nouveau lien d'activation vous sera envoyé, et le précédent ne fonctionnera plus. Votre inscription reste valable 15 jours à compter de son enregistrement.",
    note: MISTYPED,
    action: "Recevoir un nouveau lien",
  });
}
