// The page the activation email links to (/activation#c=<code>; the router has taken the code out of
// the address bar and hands it as `code`). Opening it changes nothing (mail scanners open links): the
// account is activated when the person presses the button (POST /activations), and then the login
// form is right there (the tutorial's step 8).

import { api, Problem } from "../api.js";
import { alert, button, buttons, link } from "../components.js";
import { h, page } from "../dom.js";
import { loginForm } from "../login.js";

export const title = "Activation de votre compte";

function loginSection(navigate) {
  return h(
    "section",
    { class: "mcf-bloc fr-mt-4w", "aria-labelledby": "espace-titulaire" },
    h("h2", { id: "espace-titulaire" }, "Espace Titulaire"),
    h("p", {}, "Entrez votre identifiant et votre mot de passe"),
    loginForm({ navigate }),
    h("p", { class: "fr-mt-2w" }, "Vous n'avez pas encore de compte ? ", link("S'inscrire", "/inscription")),
  );
}

const NEXT_STEPS = {
  activation_expiree: () => link("Recommencer mon inscription", "/inscription"),
  activation_invalide: () => link("Recevoir un nouveau lien d'activation", "/courriel-non-recu"),
};

export async function render({ code, forgetCode, navigate }) {
  if (!code) {
    return page(
      "Activation de votre compte",
      alert("error", "Ce lien d'activation est incomplet : copiez-le en entier depuis le courriel reçu."),
    );
  }
  const result = h("div", { role: "status" });
  const activate = button("Activer mon compte", { icon: "fr-icon-check-line" });
  const intro = h(
    "div",
    {},
    h("p", {}, "Pour finaliser votre inscription, confirmez l'activation de votre compte."),
    buttons(activate),
  );
  activate.addEventListener("click", async () => {
    activate.disabled = true;
    try {
      const done = await api.post("/activations", { code });
      forgetCode(); // spent
      intro.remove();
      result.replaceChildren(alert("success", done.detail), loginSection(navigate));
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      activate.disabled = false;
      if (error.code === "compte_deja_active") {
        forgetCode();
        intro.remove();
        result.replaceChildren(alert("info", error.detail), loginSection(navigate));
        return;
      }
      const next = NEXT_STEPS[error.code];
      if (next) forgetCode(); // nothing more to do with it
      result.replaceChildren(alert("error", error.detail), next ? h("p", { class: "fr-mt-2w" }, next()) : null);
      if (next) intro.remove();
    }
    result.querySelector(".fr-alert")?.setAttribute("tabindex", "-1");
    result.querySelector(".fr-alert")?.focus();
  });
  return page("Activation de votre compte", intro, result);
}
