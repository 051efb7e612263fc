// The page the email change's link opens (/courriel#c=<code>, handed as `code` by the router, which
// took it out of the address bar), on any device and without a session:
// "Confirmer ma nouvelle adresse" posts the code (POST /courriels/confirmation); opening the link
// changes nothing (mail scanners open links). Then the answer's sentence, or the refusal's and the way
// to ask again.

import { api, Problem } from "../api.js";
import { alert, button, buttons, link } from "../components.js";
import { h, page } from "../dom.js";
import { session } from "../session.js";

export const title = "Confirmation de votre nouvelle adresse courriel";

// Where to go next: the holder's informations when logged in on this tab, the login page otherwise.
function wayOn({ again = false } = {}) {
  const [text, href] = session.token
    ? [again ? "Faire une nouvelle demande depuis Mes informations personnelles" : "Mes informations personnelles", "/espace/informations"]
    : [again ? "Me connecter pour faire une nouvelle demande" : "Accéder à mon espace", "/"];
  return h("p", { class: "fr-mt-2w" }, link(text, href, { icon: "fr-icon-arrow-right-line" }));
}

export async function render({ code, forgetCode }) {
  if (!code) {
    return page(
      title,
      alert("error", "Ce lien de confirmation est incomplet : copiez-le en entier depuis le courriel reçu."),
      wayOn({ again: true }),
    );
  }
  const result = h("div", { role: "status" });
  const confirm = button("Confirmer ma nouvelle adresse", { icon: "fr-icon-check-line" });
  const intro = h(
    "div",
    {},
    h(
      "p",
      {},
      "Vous avez demandé à changer l'adresse courriel de votre compte Mon Compte Formation. " +
        "Confirmez le changement pour que cette nouvelle adresse devienne celle de votre compte.",
    ),
    h("p", { class: "fr-text--sm" }, "Si vous n'êtes pas à l'origine de cette demande, ne confirmez pas : votre adresse actuelle restera celle de votre compte."),
    buttons(confirm),
  );
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      const done = await api.post("/courriels/confirmation", { code });
      forgetCode(); // spent
      intro.remove();
      result.replaceChildren(
        alert("success", [done.detail, h("p", {}, "Nouvelle adresse : ", h("strong", {}, done.courriel))]),
        wayOn(),
      );
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      confirm.disabled = false;
      if (["code_invalide", "code_expire", "courriel_deja_utilise"].includes(error.code)) {
        forgetCode(); // nothing more to do with it
        intro.remove();
      }
      result.replaceChildren(alert("error", error.detail), wayOn({ again: true }));
    }
    const shown = result.querySelector(".fr-alert");
    shown?.setAttribute("tabindex", "-1");
    shown?.focus();
  });
  return page(title, intro, result);
}
