// Step 2, "S'inscrire": the identity form and the security check (image, its audio version,
// "renouveler les caractères"), then PUT /inscriptions/{id}/identite.

import { api } from "../api.js";
import { button, buttons, input, linkButton, radios } from "../components.js";
import { h } from "../dom.js";
import { onSubmit } from "../forms.js";
import { cancelButton, currentDraft, header, restart, stepTitle } from "../registration.js";
import { securityCheck } from "../captcha.js";

export const title = stepTitle(2);

export async function render({ navigate }) {
  const draft = await currentDraft();
  if (!draft) return restart(navigate);
  if (draft.etape === "activation") return navigate("/inscription/enregistree", { replace: true });
  // "Retour" from the password step: what was sent is shown again, but never the full NIR.
  const known = draft.etape === "mot_de_passe" ? draft : {};
  const check = securityCheck();
  const form = h(
    "form",
    {},
    h("p", { class: "fr-text--sm" }, "Les champs marqués d'un astérisque (*) sont obligatoires."),
    input({
      name: "nir",
      label: "N° de sécurité sociale",
      required: true,
      hint: known.nir_masque
        ? `Saisissez-le à nouveau (${known.nir_masque}). 15 caractères, espaces acceptés.`
        : "15 caractères, espaces acceptés. Exemple : 1 84 05 75 123 456 25",
      autocapitalize: "characters",
      spellcheck: "false",
    }),
    radios({
      name: "civilite",
      legend: "Civilité",
      required: true,
      value: known.civilite,
      options: [
        ["MME", "Madame"],
        ["M", "Monsieur"],
      ],
    }),
    input({ name: "prenom", label: "Prénom", autocomplete: "given-name", value: known.prenom }),
    input({
      name: "nom_naissance",
      label: "Nom de naissance",
      required: true,
      hint: "Votre nom de naissance, et non votre nom d'usage (nom d'épouse ou d'époux).",
      autocomplete: "family-name",
      value: known.nom_naissance,
    }),
    input({ name: "telephone_fixe", label: "Téléphone fixe", type: "tel", autocomplete: "tel-national", value: known.telephone_fixe }),
    input({ name: "telephone_portable", label: "Téléphone portable", type: "tel", autocomplete: "tel-national", value: known.telephone_portable }),
    input({ name: "courriel", label: "Courriel", type: "email", required: true, autocomplete: "email", hint: "Exemple : prenom.nom@exemple.fr", value: known.courriel }),
    input({ name: "courriel_confirmation", label: "Confirmation courriel", type: "email", required: true, autocomplete: "email", value: known.courriel }),
    check.element,
    buttons(
      cancelButton(navigate),
      linkButton("Retour", "/inscription", { kind: "secondary", icon: "fr-icon-arrow-left-line" }),
      button("Continuer", { type: "submit", icon: "fr-icon-arrow-right-line" }),
    ),
  );
  onSubmit(form, async (values) => {
    try {
      await api.put(`/inscriptions/${encodeURIComponent(draft.id)}/identite`, { ...values, captcha_id: check.id() });
    } catch (error) {
      // Right or wrong, a sent answer spends the captcha: a new one is shown for the next try.
      await check.renew();
      throw error;
    }
    await navigate("/inscription/mot-de-passe");
  });
  await check.renew();
  return h("div", { class: "fr-container fr-my-6w" }, header(2), form);
}
