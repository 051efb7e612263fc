// The page an invitation email links to (/delegation#c=<code>). The invited person accepts from their
// own account: without a session, the login form comes first and brings them back to this page. The
// router has taken the code out of the address bar and keeps it in the tab's sessionStorage until it
// is spent, through that login and a change of account: it is never put back into the address. Then
// "Accepter la délégation" posts the code (POST /delegations/acceptation); opening the link changes
// nothing (mail scanners open links). Each refusal's sentence is shown, with the way on.

import { holder, Problem, SessionEnded } from "../api.js";
import { alert, button, buttons, link, linkButton } from "../components.js";
import { date, h, page } from "../dom.js";
import { SCOPE_SENTENCES } from "../delegations.js";
import { loginForm } from "../login.js";
import { logOut } from "../logout.js";
import { displayName, session } from "../session.js";

export const title = "Invitation à devenir délégataire";

function incomplete() {
  return page(
    title,
    alert("error", "Ce lien d'invitation est incomplet : copiez-le en entier depuis le courriel reçu."),
  );
}

function loginFirst(navigate) {
  return page(
    title,
    h(
      "p",
      { class: "fr-text--lead" },
      "Une personne titulaire d'un compte personnel de formation vous invite à devenir son délégataire. " +
        "Pour accepter, identifiez-vous d'abord avec votre propre compte.",
    ),
    alert(
      "info",
      "Votre compte doit être celui de l'adresse courriel à laquelle l'invitation a été envoyée. " +
        "Si vous n'avez pas encore de compte, inscrivez-vous avec cette adresse, puis ouvrez de nouveau le lien du courriel.",
    ),
    h(
      "section",
      { class: "mcf-bloc fr-mt-4w", "aria-labelledby": "espace-titulaire" },
      h("h2", { id: "espace-titulaire", class: "fr-h4" }, "Je m'identifie"),
      loginForm({ navigate, next: "/delegation" }),
      h("p", { class: "fr-mt-2w fr-mb-0" }, "Vous n'avez pas encore de compte ? ", link("S'inscrire", "/inscription")),
    ),
  );
}

function accepted(answer) {
  const name = displayName(answer.titulaire);
  return [
    alert(
      "success",
      `${name} vous confie désormais ${SCOPE_SENTENCES[answer.portee]}, jusqu'au ${date(answer.fin)} inclus, ou jusqu'à ce que cette personne y mette fin.`,
      { title: "La délégation est acceptée" },
    ),
    buttons(
      linkButton("Mes délégations", "/espace/delegations", { kind: "secondary" }),
      linkButton(`Accéder au compte de ${name}`, `/espace/comptes-delegues/${encodeURIComponent(answer.id)}`, { icon: "fr-icon-arrow-right-line" }),
    ),
  ];
}

// Logged in with another account than the invited one: log out, and this link's login form is back
// (the code is still kept for it).
async function changeAccount(navigate) {
  const { outcome, message } = await logOut();
  if (outcome === "ended") return; // ended already: this page is back with its login form
  const loggedOut = { type: "info", text: "Vous êtes déconnecté(e). Identifiez-vous avec le compte de l'adresse courriel invitée." };
  await navigate("/delegation", { replace: true, message: outcome === "told" ? loggedOut : message });
}

// What each refusal leads to: the sentence of the API, then what the person can do.
const NEXT_STEPS = {
  delegation_autre_destinataire: (navigate) => [
    h(
      "p",
      {},
      "Identifiez-vous avec le compte dont l'adresse courriel est celle qui a reçu l'invitation " +
        "(ou inscrivez-vous avec cette adresse), puis ouvrez de nouveau ce lien.",
    ),
    buttons(button("Me déconnecter pour changer de compte", { kind: "secondary", icon: "fr-icon-logout-box-r-line", onclick: () => changeAccount(navigate) })),
  ],
  code_invalide: () => h("p", {}, "Si vous avez déjà accepté cette délégation, le compte délégué figure dans ", link("Mes délégations", "/espace/delegations"), "."),
  code_expire: () => h("p", {}, "Demandez à la personne qui vous a invité(e) de vous envoyer une nouvelle invitation."),
  delegation_a_soi_meme: () => h("p", {}, link("Mes délégations", "/espace/delegations")),
};

// Refusals after which the code is of no more use (with another account, it may still be accepted).
const SPENT = ["code_invalide", "code_expire", "delegation_a_soi_meme"];

export async function render({ code, forgetCode, navigate }) {
  if (!code) return incomplete();
  if (!session.token) return loginFirst(navigate);

  const result = h("div", { role: "status" });
  const accept = button("Accepter la délégation", { icon: "fr-icon-check-line" });
  const intro = h(
    "div",
    {},
    h(
      "p",
      { class: "fr-text--lead" },
      "Une personne titulaire d'un compte personnel de formation vous invite à devenir son délégataire. Son nom et ce " +
        "qu'elle vous confie (la consultation de son compte, ou aussi la préparation de ses dossiers de formation) sont " +
        "indiqués dans le courriel d'invitation.",
    ),
    h(
      "p",
      {},
      "En acceptant, vous agirez pour son compte depuis votre propre espace, jusqu'à la date indiquée ou jusqu'à ce que cette personne y mette fin. " +
        "Vous ne pourrez jamais valider ses dossiers de formation, ni voir son numéro de sécurité sociale, ses coordonnées ou son historique.",
    ),
    h("p", { class: "fr-text--sm" }, `Vous êtes identifié(e) en tant que ${session.holder ?? "titulaire de votre compte"}.`),
    buttons(accept),
  );
  accept.addEventListener("click", async () => {
    accept.disabled = true;
    try {
      const answer = await holder.post("/delegations/acceptation", { code });
      forgetCode(); // spent
      intro.remove();
      result.replaceChildren(...accepted(answer));
    } catch (error) {
      if (error instanceof SessionEnded) return; // this page is back with its login form
      if (!(error instanceof Problem)) throw error;
      accept.disabled = false;
      const next = NEXT_STEPS[error.code];
      if (next) intro.remove(); // nothing more to try with this account (a 409 demande_concurrente may be tried again)
      if (SPENT.includes(error.code)) forgetCode();
      result.replaceChildren(...[alert("error", error.detail), next?.(navigate)].flat().filter(Boolean));
    }
    const shown = result.querySelector(".fr-alert");
    shown?.setAttribute("tabindex", "-1");
    shown?.focus();
  });
  return page(title, intro, result);
}
