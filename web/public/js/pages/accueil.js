// "Accès à mon espace sécurisé": log in, or start registering (the tutorial's step 2).

import { api } from "../api.js";
import { link, linkButton } from "../components.js";
import { h, page } from "../dom.js";
import { franceConnectButton, or } from "../franceconnect.js";
import { loginForm } from "../login.js";

export const title = "Accès à mon espace sécurisé";

export async function render({ navigate }) {
  return page(
    "Accès à mon espace sécurisé",
    h(
      "div",
      { class: "fr-grid-row fr-grid-row--gutters fr-mt-2w" },
      h(
        "section",
        { class: "fr-col-12 fr-col-md-7", "aria-labelledby": "deja-inscrit" },
        h(
          "div",
          { class: "mcf-bloc" },
          h("h2", { id: "deja-inscrit", class: "fr-h4" }, "Je suis déjà inscrit(e)"),
          // FranceConnect first, as its guidelines ask; for an account whose identity was verified with it.
          h("p", { class: "fr-text--sm fr-mb-2w" }, "Si vous avez vérifié votre identité avec FranceConnect dans votre espace :"),
          franceConnectButton({ start: () => api.post("/sessions/franceconnect") }),
          or(),
          loginForm({ navigate }),
        ),
      ),
      h(
        "section",
        { class: "fr-col-12 fr-col-md-5", "aria-labelledby": "pas-inscrit" },
        h(
          "div",
          { class: "mcf-bloc" },
          h("h2", { id: "pas-inscrit", class: "fr-h4" }, "Je ne suis pas encore inscrit(e)"),
          h("p", {}, "Ouvrez votre compte personnel de formation avec votre numéro de sécurité sociale et une adresse courriel."),
          h("p", {}, linkButton("Je m'inscris", "/inscription")),
          h("h3", { class: "fr-h6 fr-mt-4w" }, "Plus d'infos ?"),
          h(
            "ul",
            { class: "fr-links-group" },
            h("li", {}, link("Conditions générales d'utilisation (CGU)", "/conditions-generales")),
            h("li", {}, link("Je n'ai pas reçu le courriel d'activation", "/courriel-non-recu")),
          ),
        ),
      ),
    ),
  );
}
