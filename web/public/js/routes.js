// Every page of the portal, one line each: its path (":id" takes a segment), its module in pages/
// (loaded when first shown), and for the holder space (`espace`, behind the login) its entry in the
// main menu (`menu`) or in the holder's own menu under their name (`compte`); `parent`, the menu entry
// a page without one of its own belongs to. `ownLogin`: a page outside the holder space that shows its
// own login form when there is no session (a session that ends there brings that page back).
//
// Adding a page: write pages/<name>.js (export `title` and `render(context)`, see web/README.md),
// then add its line here. A path must not start with one of the API's first segments (cgu,
// inscriptions, captchas, activations, sessions, mots-de-passe, titulaire, courriels, delegations...):
// those go to the API. Save the pages under the API of tools/portal.py's PAGES_UNDER_API (a GET of
// them is the page's, any other method the API's): FranceConnect's return. `takesQuery`: the query
// parameters the router takes out of the address bar first thing and hands to the page as `query`.

export const routes = [
  { path: "/", module: () => import("./pages/accueil.js") },
  { path: "/conditions-generales", module: () => import("./pages/conditions-generales.js") },
  { path: "/accessibilite", module: () => import("./pages/accessibilite.js") },
  { path: "/inscription", module: () => import("./pages/inscription-cgu.js") },
  { path: "/inscription/identite", module: () => import("./pages/inscription-identite.js") },
  { path: "/inscription/mot-de-passe", module: () => import("./pages/inscription-mot-de-passe.js") },
  { path: "/inscription/enregistree", module: () => import("./pages/inscription-enregistree.js") },
  { path: "/activation", module: () => import("./pages/activation.js") },
  { path: "/courriel-non-recu", module: () => import("./pages/courriel-non-recu.js") },
  { path: "/mot-de-passe-oublie", module: () => import("./pages/mot-de-passe-oublie.js") },
  { path: "/reinitialisation", module: () => import("./pages/reinitialisation.js") },
  // The email links that need no session (/courriel) or bring their own login form (/delegation).
  { path: "/courriel", module: () => import("./pages/courriel.js") },
  { path: "/delegation", ownLogin: true, module: () => import("./pages/delegation.js") },
  // FranceConnect sends the browser back here (its redirect_uri): login, registration or verification.
  {
    path: "/franceconnect/retour",
    takesQuery: ["code", "state", "iss", "error", "error_description"],
    module: () => import("./pages/franceconnect-retour.js"),
  },

  { path: "/espace", espace: true, menu: "Accueil", module: () => import("./pages/espace-synthese.js") },
  { path: "/espace/informations", espace: true, menu: "Mes informations personnelles", module: () => import("./pages/espace-informations.js") },
  { path: "/espace/heures", espace: true, menu: "Mon compte d'heures", module: () => import("./pages/espace-heures.js") },
  { path: "/espace/dossiers", espace: true, menu: "Mes dossiers de formation", module: () => import("./pages/espace-dossiers.js") },
  { path: "/espace/dossiers/nouveau", espace: true, module: () => import("./pages/espace-dossier-nouveau.js") },
  { path: "/espace/dossiers/:id", espace: true, module: () => import("./pages/espace-dossier.js") },
  { path: "/espace/delegations", espace: true, menu: "Mes délégations", module: () => import("./pages/espace-delegations.js") },
  { path: "/espace/comptes-delegues/:id", espace: true, parent: "/espace/delegations", module: () => import("./pages/espace-compte-delegue.js") },
  { path: "/espace/mot-de-passe", espace: true, compte: "Modifier mon mot de passe", module: () => import("./pages/espace-mot-de-passe.js") },
  { path: "/espace/historique", espace: true, compte: "Consulter mon historique", module: () => import("./pages/espace-historique.js") },
];

export const notFound = { path: null, module: () => import("./pages/introuvable.js") };
