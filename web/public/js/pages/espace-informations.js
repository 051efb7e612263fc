// "Mes informations personnelles" (GET and PATCH /titulaire/informations). The NIR and the birth name
// cannot be changed here; the email address will be, by a confirmed change (coming next).

import { holder } from "../api.js";
import { alert, button, buttons, input, radios, summary } from "../components.js";
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

export async function render() {
  const content = page("Mes informations personnelles");
  const body = h("div");
  content.append(body);
  const show = async (message) => {
    const informations = await holder.get("/titulaire/informations");
    const notice = message ? alert("success", message, { role: "status" }) : null;
    body.replaceChildren(
      notice ?? "",
      identity(informations),
      h(
        "p",
        { class: "fr-text--sm" },
        "Votre numéro de sécurité sociale et votre nom de naissance ne peuvent pas être modifiés depuis votre espace. ",
        "La modification de votre adresse courriel sera bientôt disponible.",
      ),
      form(informations, show),
    );
    if (notice) {
      notice.tabIndex = -1;
      notice.focus();
    }
  };
  await show(null);
  return content;
}
