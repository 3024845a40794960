// The network page: the project's actors and ties drawn with Cytoscape.js.
// Names come from the database: Cytoscape draws them on the canvas as plain text, and the
// actor card gets them through textContent only, never as HTML.
(function () {
  "use strict";
  const element = document.getElementById("network");
  const source = document.getElementById("network-data");
  if (!element || !source || typeof cytoscape === "undefined") return;
  const scriptStart = performance.now();
  const config = JSON.parse(source.textContent);
  const texts = config.texts;
  // Above this size the layout is concentric (cose takes about 2.5 s for 300 actors and
  // 6 s for 500 in headless Chromium) and labels appear only when zoomed in far enough to
  // read them.
  const BIG = 300;
  const big = config.nodes.length > BIG;
  const motion = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const actors = new Map(config.nodes.map((n) => [n.id, n]));
  const maxDegree = config.nodes.reduce((max, n) => Math.max(max, n.degree), 1);
  const EDGE_WIDTH = { 1: 1.5, 2: 3, 3: 5 };

  function placed(n) {
    return typeof n.x === "number" && typeof n.y === "number";
  }

  const elements = config.nodes.map((n) => {
    const node = {
      group: "nodes",
      data: {
        id: "n" + n.id,
        name: n.name,
        colour: n.colour,
        shape: n.shape,
        degree: n.degree,
        size: Math.round(16 + 30 * Math.sqrt(n.degree / maxDegree)),
      },
    };
    if (placed(n)) node.position = { x: n.x, y: n.y };
    return node;
  });
  config.edges.forEach((e) => {
    const classes = [];
    if (e.directed) classes.push("directed");
    if (!e.confirmed) classes.push("unconfirmed");
    if (e.kind === config.conflict) classes.push("conflict");
    elements.push({
      group: "edges",
      data: {
        id: "e" + e.id,
        source: "n" + e.source,
        target: "n" + e.target,
        width: (EDGE_WIDTH[e.strength] || 2) * (big ? 0.5 : 1),
      },
      classes: classes,
    });
  });

  function layoutOptions() {
    if (config.nodes.every(placed)) return { name: "preset", fit: true, padding: 30 };
    if (big) {
      return {
        name: "concentric", animate: false, fit: true, padding: 30, minNodeSpacing: 6,
        // One ring per number of ties: the best connected in the middle.
        concentric: (node) => node.data("degree"),
        levelWidth: () => 1,
      };
    }
    return {
      name: "cose", animate: false, fit: true, padding: 30, randomize: true,
      nodeRepulsion: () => 40000, idealEdgeLength: () => 90, nodeOverlap: 20, gravity: 0.4,
      numIter: config.nodes.length > 150 ? 400 : 1000,
    };
  }

  const ink = "#1b1f23";
  const style = [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        shape: "data(shape)",
        width: "data(size)",
        height: "data(size)",
        "border-width": 1.5,
        "border-color": ink,
        label: "data(name)",
        "font-size": 11,
        color: ink,
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-outline-color": "#ffffff",
        "text-outline-width": 2,
        "text-wrap": "ellipsis",
        "text-max-width": "150px",
        "min-zoomed-font-size": big ? 10 : 0,
      },
    },
    {
      selector: "edge",
      style: {
        width: "data(width)",
        "line-color": config.colours.edge,
        "target-arrow-color": config.colours.edge,
        "curve-style": big ? "straight" : "bezier",
        "arrow-scale": 0.9,
        // Thousands of ties would hide the actors: they get lighter and thinner then.
        opacity: big ? 0.3 : 0.75,
      },
    },
    { selector: "edge.directed", style: { "target-arrow-shape": "triangle" } },
    { selector: "edge.unconfirmed", style: { "line-style": "dashed", "line-dash-pattern": [6, 4] } },
    {
      selector: "edge.conflict",
      style: { "line-color": config.colours.conflict, "target-arrow-color": config.colours.conflict },
    },
    { selector: ".faded", style: { opacity: 0.12, "min-zoomed-font-size": 1000 } },
    {
      selector: "node.match",
      style: {
        "underlay-color": "#ffbf47", "underlay-opacity": 1, "underlay-padding": 6,
        "underlay-shape": "ellipse", "border-width": 3, "font-weight": "bold",
        "min-zoomed-font-size": 0, "z-index": 10,
      },
    },
    {
      selector: "node:selected",
      style: {
        "border-width": 4, "border-color": ink, "underlay-color": "#0b5563",
        "underlay-opacity": 0.35, "underlay-padding": 8, "underlay-shape": "ellipse",
        "min-zoomed-font-size": 0, "z-index": 20,
      },
    },
  ];

  const cy = cytoscape({
    container: element,
    elements: elements,
    style: style,
    layout: layoutOptions(),
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: "single",
    hideEdgesOnViewport: big,
    textureOnViewport: big,
    pixelRatio: big ? 1 : "auto",
  });
  window.qkNetwork = cy;
  cy.one("render", () => {
    // Time to the first drawn frame: since navigation start, and since this script ran.
    element.dataset.drawMs = String(Math.round(performance.now()));
    element.dataset.layoutMs = String(Math.round(performance.now() - scriptStart));
    element.dataset.ready = "true";
  });

  // The actor card beside the graph.
  const card = document.getElementById("actor-card");
  function field(name) {
    return card.querySelector('[data-card="' + name + '"]');
  }
  function showCard(node) {
    const actor = actors.get(Number(node.id().slice(1)));
    if (!actor) return;
    field("name").textContent = actor.name;
    field("type").textContent = actor.type_label || texts.none;
    field("field").textContent = actor.field ? actor.field + " – " + actor.field_label : texts.none;
    field("degree").textContent = String(actor.degree);
    field("broker").textContent = actor.broker ? texts.brokerYes : texts.no;
    const link = field("url");
    link.href = actor.url.startsWith("/") ? actor.url : "#";
    card.querySelector("[data-card-hint]").hidden = true;
    card.querySelector("[data-card-body]").hidden = false;
  }
  cy.on("tap", "node", (event) => {
    cy.nodes().unselect();
    event.target.select();
    showCard(event.target);
  });

  // Search: highlight and centre the actors whose name contains the text.
  const search = document.getElementById("network-search");
  const searchStatus = document.getElementById("network-search-status");
  let hits = cy.collection();
  let timer = null;
  function runSearch() {
    const query = search.value.trim().toLocaleLowerCase("de");
    cy.batch(() => {
      cy.elements().removeClass("faded match");
      hits = query
        ? cy.nodes().filter((n) => n.data("name").toLocaleLowerCase("de").includes(query))
        : cy.collection();
      if (hits.nonempty()) {
        hits.addClass("match");
        cy.elements().difference(hits.union(hits.connectedEdges())).addClass("faded");
      }
    });
    if (!query) {
      searchStatus.textContent = "";
      return;
    }
    if (hits.length === 1) searchStatus.textContent = texts.match;
    else if (hits.nonempty()) searchStatus.textContent = texts.matches.replace("%(n)s", String(hits.length));
    else searchStatus.textContent = texts.noMatch;
    if (hits.nonempty()) centre(hits);
  }
  function centre(collection) {
    const target = collection.length === 1
      ? { center: { eles: collection }, zoom: Math.max(cy.zoom(), 1.2) }
      : { fit: { eles: collection, padding: 80 } };
    cy.stop(true, false);
    cy.animate(target, { duration: motion ? 250 : 0 });
  }
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(runSearch, big ? 200 : 60);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(timer);
    runSearch();
    if (hits.nonempty()) {
      cy.nodes().unselect();
      hits[0].select();
      showCard(hits[0]);
    }
  });

  // Zoom buttons for people who do not use a mouse wheel.
  document.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      const action = button.dataset.zoom;
      cy.stop(true, false);
      if (action === "fit") {
        cy.fit(undefined, 30);
        return;
      }
      const factor = action === "in" ? 1.3 : 1 / 1.3;
      cy.zoom({
        level: cy.zoom() * factor,
        renderedPosition: { x: element.clientWidth / 2, y: element.clientHeight / 2 },
      });
    });
  });

  // Saving the layout (only editors get the form).
  const saveForm = document.getElementById("network-save");
  if (saveForm) {
    const saveStatus = document.getElementById("network-save-status");
    saveForm.hidden = false;
    cy.on("dragfree", "node", () => {
      saveStatus.textContent = "";
    });
    saveForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const positions = {};
      cy.nodes().forEach((node) => {
        const p = node.position();
        positions[node.id().slice(1)] = [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
      });
      const token = saveForm.querySelector('[name="csrfmiddlewaretoken"]').value;
      fetch(saveForm.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ positions: positions }),
      })
        .then((response) => {
          saveStatus.textContent = response.ok ? texts.saved : texts.saveFailed;
        })
        .catch(() => {
          saveStatus.textContent = texts.saveFailed;
        });
    });
  }
})();
