// "Déconnexion" (the holder's menu, and the invitation's "Me déconnecter pour changer de compte"):
// DELETE /sessions/courante, and the token is forgotten in this tab whatever the answer. When the
// server could not be told (no answer, a 5xx, any refusal but a 401), the person is told so, with the
// moment by which the session surely ends on its own, rather than a "bien déconnecté(e)" that is not
// true on the server.

import { holder, SessionEnded } from "./api.js";
import { dateTime } from "./dom.js";
import { session } from "./session.js";

// What happened: "told" (the server ended the session), "ended" (it had ended already: the login page
// is back, with its sentence), or "untold" (forgotten here only), with the sentence to show.
export async function logOut() {
  const surelyEndsAt = session.surelyEndsAt;
  try {
    await holder.delete("/sessions/courante");
  } catch (error) {
    if (error instanceof SessionEnded) return { outcome: "ended" };
    session.end();
    return { outcome: "untold", message: untold(surelyEndsAt) };
  }
  session.end();
  return { outcome: "told" };
}

function untold(surelyEndsAt) {
  const until = surelyEndsAt
    ? `Votre session restera ouverte sur le serveur au plus tard jusqu'au ${dateTime(new Date(surelyEndsAt).toISOString())}.`
    : "Votre session restera ouverte sur le serveur jusqu'à sa fin normale.";
  return {
    type: "warning",
    title: "Le service n'a pas pu être prévenu de votre déconnexion",
    text: [
      "Votre espace est fermé dans ce navigateur, mais le service ne répond pas pour le moment. " + until,
      "Sur un ordinateur partagé, fermez toutes les fenêtres du navigateur.",
    ],
  };
}
