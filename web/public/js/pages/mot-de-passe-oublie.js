// "Mot de passe oublié": a link to choose a new password (POST /mots-de-passe/oubli), valid one hour.

import { recoveryPage } from "../recovery.js";

export const title = "Mot de passe oublié";

export async function render() {
  return recoveryPage({
    heading: title,
    path: "/mots-de-passe/oubli",
    intro:
      "Saisissez votre numéro de sécurité sociale et l'adresse courriel de votre compte : s'ils correspondent à un compte, " +
      "vous recevrez un courriel contenant un lien pour choisir un nouveau mot de passe. Ce lien est valable une heure.",
    action: "Recevoir le lien",
  });
}
