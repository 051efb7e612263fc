// "Je suis déjà inscrit(e)": the login form, on the home page and on the activation page once the
// account is active (as the tutorial's step 8 shows it).

import { holder, openSession } from "./api.js";
import { button, buttons, input, link, password } from "./components.js";
import { h } from "./dom.js";
import { onSubmit } from "./forms.js";
import { displayName, session } from "./session.js";

// `navigate`: the page's (its render context's); `next`: where to go once logged in (a page that
// needed the session, such as a link's page).
export function loginForm({ navigate, next = "/espace" }) {
  const form = h(
    "form",
    { class: "mcf-formulaire", "aria-label": "Connexion à mon espace" },
    input({
      name: "nir",
      label: "Numéro de sécurité sociale",
      hint: "15 caractères, espaces acceptés. Exemple : 1 84 05 75 123 456 25",
      autocomplete: "username",
      autocapitalize: "characters",
      spellcheck: "false",
    }),
    password({ name: "mot_de_passe", label: "Mot de passe", autocomplete: "current-password", required: false }),
    h("p", {}, link("Mot de passe oublié", "/mot-de-passe-oublie", { icon: "fr-icon-arrow-right-line" })),
    buttons(button("Je m'identifie", { type: "submit" })),
  );
  return onSubmit(form, async (values) => {
    await openSession(values);
    const synthesis = await holder.get("/titulaire");
    session.holder = displayName(synthesis);
    await navigate(next);
  });
}
