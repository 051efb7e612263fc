// FranceConnect's return (/franceconnect/retour?code=&state=, its redirect_uri): the router has taken
// `code`, `state` and `iss` (or `error`) out of the address bar already; this page posts them at once
// to POST /franceconnect/retour, with the session's token when the tab has one (a verification needs
// it; the sealed state tells the server which path this is), then goes on:
//   verification → the holder space, with its success alert;
//   connexion    → the session opened (api.js, as the password's login), then the holder space;
//   inscription  → the registration's next step, FranceConnect's names on its draft.
// `error=access_denied` (cancelled on FranceConnect) posts nothing: it says so, with the ways back.
// Every refusal's `detail` is shown in a DSFR alert.

import { holder, Problem, returnFromFranceConnect } from "../api.js";
import { alert, link } from "../components.js";
import { h, page } from "../dom.js";
import { displayName, registration, session } from "../session.js";

export const title = "Retour de FranceConnect";

// Where the person may go from here: their space when logged in, the registration under way, the home page.
function waysBack() {
  const ways = [];
  if (session.token) ways.push(link("Retour à mon espace", "/espace", { icon: "fr-icon-arrow-left-line" }));
  if (registration.draft?.id && !registration.draft.enregistree) {
    ways.push(link("Reprendre mon inscription", "/inscription/identite", { icon: "fr-icon-arrow-left-line" }));
  }
  ways.push(link("Retour à l'accueil", "/", { icon: "fr-icon-arrow-left-line" }));
  return h("ul", { class: "fr-links-group fr-mt-3w" }, ways.map((way) => h("li", {}, way)));
}

function stopped(text, heading) {
  const shown = alert("error", text, { role: "alert", title: heading });
  return page(title, shown, waysBack());
}

export async function render({ query, navigate }) {
  const error = query.get("error");
  if (error === "access_denied") {
    return stopped("Vous avez annulé votre identification avec FranceConnect : rien n'a été modifié.", "Identification annulée");
  }
  if (error) {
    return stopped(
      "FranceConnect n'a pas pu vous identifier : rien n'a été modifié. Merci de réessayer dans quelques instants.",
      "Identification impossible",
    );
  }
  const code = query.get("code");
  const state = query.get("state");
  if (!code || !state) {
    return stopped(
      "Aucun retour de FranceConnect à traiter sur cette page : il a peut-être déjà été pris en compte. " +
        "Pour vous identifier avec FranceConnect, appuyez de nouveau sur son bouton.",
      "Rien à traiter",
    );
  }
  const returned = { code, state };
  if (query.get("iss")) returned.iss = query.get("iss");
  let answer;
  try {
    answer = await returnFromFranceConnect(returned);
  } catch (problem) {
    if (!(problem instanceof Problem)) throw problem;
    return stopped(problem.detail, "FranceConnect : votre demande n'a pas abouti");
  }
  if (answer.parcours === "verification") {
    return navigate("/espace", {
      replace: true,
      message: { type: "success", title: "Identité vérifiée", text: "Votre identité a bien été vérifiée avec FranceConnect." },
    });
  }
  if (answer.parcours === "connexion") {
    session.holder = displayName(await holder.get("/titulaire"));
    return navigate("/espace", { replace: true });
  }
  registration.draft = { id: answer.id };
  const next = answer.etape === "mot_de_passe" ? "/inscription/mot-de-passe" : "/inscription/identite";
  return navigate(next, {
    replace: true,
    message: {
      type: "success",
      text:
        answer.etape === "mot_de_passe"
          ? "FranceConnect nous a transmis votre identité : votre compte aura sa civilité, son prénom et son nom de naissance. Choisissez maintenant votre mot de passe."
          : "FranceConnect nous a transmis votre identité. Complétez votre numéro de sécurité sociale et votre courriel.",
    },
  });
}
