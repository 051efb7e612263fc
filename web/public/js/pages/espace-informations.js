// "Mes informations personnelles" (GET and PATCH /titulaire/informations). The NIR and the birth name
// cannot be changed here; the email address is, by a confirmed change (POST /titulaire/courriel): the
// password, then a link to the new address, which the page /courriel confirms.

import { holder } from "../api.js";
import { alert, button, buttons, input, password, radios, summary } from "../components.js";
import { h, page, phone } from "../dom.js";
import { onSubmit } from "../forms.js";

export const title = "Mes informations personnelles";

const EDITABLE = ["civilite", "prenom", "telephone_fixe", "telephone_portable"];

function identity(informations) {
  return summary([
    ["Numéro de sécurité sociale", informations.nir_masque],
    ["Nom de naissance", informations.nom_naissance],
    ["Courriel", informations.courriel],
  ]);
}

function form(stored, showSaved) {
  // What the form shows: phone numbers as people write them. A field is sent only if it differs.
  const informations = {
    ...stored,
    telephone_fixe: phone(stored.telephone_fixe),
    telephone_portable: phone(stored.telephone_portable),
  };
  const element = h(
    "form",
    { "aria-labelledby": "modifier-informations" },
    h("h2", { id: "modifier-informations", class: "fr-h4" }, "Modifier mes informations"),
    radios({
      name: "civilite",
      legend: "Civilité",
      value: informations.civilite,
      options: [
        ["MME", "Madame"],
        ["M", "Monsieur"],
      ],
    }),
    input({ name: "prenom", label: "Prénom", autocomplete: "given-name", value: informations.prenom }),
    input({ name: "telephone_fixe", label: "Téléphone fixe", type: "tel", autocomplete: "tel-national", value: informations.telephone_fixe }),
    input({ name: "telephone_portable", label: "Téléphone portable", type: "tel", autocomplete: "tel-national", value: informations.telephone_portable }),
    buttons(button("Enregistrer", { type: "submit" })),
  );
  return onSubmit(element, async (values) => {
    const changes = Object.fromEntries(EDITABLE.filter((name) => (values[name] ?? "") !== (informations[name] ?? "")).map((name) => [name, values[name]]));
    const saved = await holder.patch("/titulaire/informations", changes);
    await showSaved(saved.detail);
  });
}

// The confirmed change: a link goes to the new address (valid one hour), a notice to the current one.
function emailForm(informations, showSent) {
  const element = h(
    "form",
    { "aria-labelledby": "modifier-courriel" },
    h("h2", { id: "modifier-courriel", class: "fr-h4" }, "Modifier mon adresse courriel"),
    h(
      "p",
      {},
      `Votre adresse actuelle est ${informations.courriel}. Un lien de confirmation sera envoyé à la nouvelle adresse : ` +
        "votre adresse ne changera que lorsque vous l'aurez ouvert et confirmé, dans l'heure. " +
        "Un message d'information sera aussi envoyé à votre adresse actuelle.",
    ),
    h("p", { class: "fr-text--sm" }, "Les champs marqués d'un astérisque (*) sont obligatoires."),
    input({ name: "courriel", label: "Nouvelle adresse courriel", hint: "Format attendu : nom@domaine.fr", type: "email", autocomplete: "email", required: true }),
    input({ name: "courriel_confirmation", label: "Confirmation de la nouvelle adresse courriel", type: "email", autocomplete: "off", required: true }),
    password({
      name: "mot_de_passe",
      label: "Mot de passe actuel",
      hint: "Pour vérifier que cette demande vient bien de vous.",
      autocomplete: "current-password",
    }),
    buttons(button("Recevoir le lien de confirmation", { type: "submit", icon: "fr-icon-mail-line" })),
  );
  return onSubmit(element, async (values) => {
    const requested = await holder.post("/titulaire/courriel", values);
    await showSent(requested.detail, requested.courriel_envoye ? "success" : "warning");
  });
}

export async function render() {
  const content = page("Mes informations personnelles");
  const body = h("div");
  content.append(body);
  const show = async (message, type = "success") => {
    const informations = await holder.get("/titulaire/informations");
    const notice = message ? alert(type, message, { role: "status" }) : null;
    body.replaceChildren(
      notice ?? "",
      identity(informations),
      h(
        "p",
        { class: "fr-text--sm" },
        "Votre numéro de sécurité sociale et votre nom de naissance ne peuvent pas être modifiés depuis votre espace. ",
        "Votre adresse courriel se modifie plus bas, avec votre mot de passe.",
      ),
      form(informations, show),
      h("div", { class: "mcf-bloc fr-mt-6w" }, emailForm(informations, show)),
    );
    if (notice) {
      notice.tabIndex = -1;
      notice.focus();
    }
  };
  await show(null);
  return content;
}
