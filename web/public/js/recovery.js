// The two recovery requests ("Mot de passe oublié", "Je n'ai pas reçu le courriel") share one form:
// NIR and email, always answered 202 with the same sentence, which replaces the form.

import { api } from "./api.js";
import { alert, button, buttons, input, link } from "./components.js";
import { h, page } from "./dom.js";
import { onSubmit } from "./forms.js";

export function recoveryPage({ heading, path, intro, action, note }) {
  const form = h(
    "form",
    {},
    h("p", {}, intro),
    note ? h("p", {}, note) : null,
    input({
      name: "nir",
      label: "Numéro de sécurité sociale",
      required: true,
      hint: "15 caractères, espaces acceptés.",
      autocomplete: "username",
      autocapitalize: "characters",
      spellcheck: "false",
    }),
    input({ name: "courriel", label: "Courriel", type: "email", required: true, autocomplete: "email" }),
    buttons(button(action, { type: "submit", icon: "fr-icon-mail-line" })),
  );
  const content = page(heading, form);
  onSubmit(form, async (values) => {
    const accepted = await api.post(path, values);
    const done = alert("success", accepted.detail, { role: "status" });
    done.tabIndex = -1;
    form.replaceWith(done, h("p", { class: "fr-mt-3w" }, link("Retour à l'accueil", "/", { icon: "fr-icon-arrow-left-line" })));
    done.focus();
  });
  return content;
}
