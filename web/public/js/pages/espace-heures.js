// "Mon compte d'heures" (GET /titulaire/heures): the DIF balance form while it can change
// (PUT /titulaire/heures/dif) and the movements.

import { holder } from "../api.js";
import { alert, button, buttons, input, summary, table } from "../components.js";
import { dateTime, h, hours, page } from "../dom.js";
import { onSubmit } from "../forms.js";

export const title = "Mon compte d'heures";

export function signed(value) {
  return value > 0 ? `+${hours(value)}` : hours(value).replace("-", "−");
}

function difForm(statement, saved) {
  const form = h(
    "form",
    { "aria-labelledby": "titre-dif" },
    h("h2", { id: "titre-dif", class: "fr-h4" }, "Solde d'heures DIF"),
    h(
      "p",
      {},
      "Le solde DIF doit obligatoirement être saisi avant de créer un premier dossier de formation. ",
      "Si vous avez plusieurs employeurs, saisissez la somme des heures DIF acquises.",
    ),
    alert("warning", "Attention : lorsque le dossier de formation est validé, il n'est plus possible de saisir ou de modifier le DIF."),
    input({
      name: "solde_dif",
      label: "Saisissez le solde du DIF (en heures)",
      hint: "Le nombre d'heures indiqué en dernière ligne de votre bulletin de salaire de janvier 2015, de 0 à 120. Les décimales sont arrondies à l'heure la plus proche.",
      inputmode: "decimal",
      required: true,
      value: statement.solde_dif ?? undefined,
      dataset: { type: "number" },
      class: "fr-input mcf-champ-court",
    }),
    buttons(button("Enregistrer", { type: "submit" })),
  );
  return onSubmit(form, async (values) => {
    const answer = await holder.put("/titulaire/heures/dif", values);
    await saved(answer.detail);
  });
}

function figures(statement) {
  const reserved = statement.heures_dif_reservees + statement.heures_cpf_reservees;
  return summary([
    ["Solde DIF", statement.solde_dif === null ? "non renseigné" : hours(statement.solde_dif)],
    ["Heures CPF", hours(statement.heures_cpf)],
    ["Heures réservées par vos dossiers validés", reserved ? hours(reserved) : null],
    ["Heures disponibles", hours(statement.heures_libres)],
  ]);
}

// Also the movements of a delegated account (pages/espace-compte-delegue.js), with its own caption.
export function movements(statement, caption = "Mouvements de votre compte d'heures, du plus récent au plus ancien") {
  if (!statement.mouvements.length) {
    return h("p", {}, "Aucun mouvement n'a été porté à la connaissance du compte d'heures CPF.");
  }
  return table(
    caption,
    ["Date", "Libellé", "Heures"],
    statement.mouvements.map((movement) => [dateTime(movement.date), movement.libelle, signed(movement.heures)]),
  );
}

export async function render() {
  const content = page("Mon compte d'heures");
  const body = h("div");
  content.append(body);
  const show = async (message) => {
    const statement = await holder.get("/titulaire/heures");
    const notice = message ? alert("success", message, { role: "status" }) : null;
    body.replaceChildren(
      notice ?? "",
      figures(statement),
      statement.dif_modifiable
        ? difForm(statement, show)
        : alert("info", "Un dossier de formation a été validé : il n'est plus possible de saisir ou de modifier le DIF."),
      h("h2", { class: "fr-h4 fr-mt-4w" }, "Mouvements"),
      movements(statement),
    );
    if (notice) {
      notice.tabIndex = -1;
      notice.focus();
    }
  };
  await show(null);
  return content;
}
