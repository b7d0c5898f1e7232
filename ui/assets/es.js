// Streamlit 1.67 writes its own widget texts in English and has no setting for
// another language. This script (run once per browser tab by dashboard.py,
// through st.html(..., unsafe_allow_javascript=True)) puts them in Spanish:
// texts on screen and the labels screen readers and tooltips read
// (aria-label, title, placeholder, Plotly's data-title). It also declares the
// page as Spanish (lang="es" on the document element) and wires the «Filtros»
// button that opens the sidebar on a phone. No less-than sign followed by a
// letter or a slash may appear in this file: DOMPurify drops such a script.
// Every text it knows is in TEXTS or PATTERNS below: add a line when
// Streamlit shows a new one.
(function () {
  "use strict";
  const root = document.documentElement;
  root.lang = "es";
  if (window.__tableroEs) {
    return;
  }
  window.__tableroEs = true;

  // Exact texts (after trimming), as Streamlit and Plotly write them.
  const TEXTS = {
    // Multiselect, selectbox, date input
    "Select all": "Seleccionar todo",
    "Clear all": "Quitar todo",
    "Clear value": "Borrar",
    "Clear selection": "Quitar la selección",
    "No results": "Sin resultados",
    "No options to select": "No hay opciones",
    "No options to select.": "No hay opciones.",
    "Choose an option": "Elija una opción",
    "Choose options": "Elija opciones",
    "Select...": "Elija…",
    "Open": "Abrir",
    "Close": "Cerrar",
    "Choose date": "Elegir fecha",
    "Choose date range": "Elegir rango de fechas",
    // Text input and forms
    "Press Enter to apply": "Pulse Enter para aplicar",
    "Press Enter to submit form": "Pulse Enter para enviar",
    "Press ⌘+Enter to apply": "Pulse ⌘+Enter para aplicar",
    "Press Ctrl+Enter to apply": "Pulse Ctrl+Enter para aplicar",
    "Show password": "Mostrar la contraseña",
    "Hide password": "Ocultar la contraseña",
    "Show password text": "Mostrar la contraseña",
    "Hide password text": "Ocultar la contraseña",
    // File uploader
    "Upload": "Subir archivo",
    "file upload": "Subir archivo",
    "add icon": "agregar",
    "upload icon": "subir",
    "Browse files": "Buscar archivo",
    "Add files": "Agregar archivos",
    "Drag and drop file here": "Arrastre el archivo aquí",
    "Drag and drop a file here": "Arrastre el archivo aquí",
    "Drag and drop files here": "Arrastre los archivos aquí",
    "Delete": "Quitar",
    "Remove file": "Quitar el archivo",
    "Only one file is allowed.": "Sólo se permite un archivo.",
    "File size is too small.": "El archivo está vacío o es demasiado pequeño.",
    // Element toolbars (tables, charts)
    "Fullscreen": "Pantalla completa",
    "Close fullscreen": "Salir de pantalla completa",
    "Toggle fullscreen": "Pantalla completa",
    "Search": "Buscar",
    "Download as CSV": "Descargar como CSV",
    "Show/hide columns": "Mostrar u ocultar columnas",
    "Copy to clipboard": "Copiar",
    "Download plot as a png": "Descargar la gráfica como PNG",
    "Download plot as a PNG": "Descargar la gráfica como PNG",
    "Download plot": "Descargar la gráfica",
    "Reset axes": "Restablecer los ejes",
    "Autoscale": "Ajustar la escala",
    // Sidebar, header, menu, status
    "Main menu": "Menú principal",
    "Sidebar": "Barra lateral",
    "Dismiss": "Cerrar",
    "App pages": "Páginas del tablero",
    "Collapse sidebar": "Ocultar la barra lateral",
    "Expand sidebar": "Mostrar la barra lateral",
    "Open sidebar": "Mostrar la barra lateral",
    "Close sidebar": "Ocultar la barra lateral",
    "View more": "Ver más",
    "View less": "Ver menos",
    "Show more": "Ver más",
    "Show less": "Ver menos",
    "Running...": "Calculando…",
    "Running": "Calculando",
    "Stop": "Detener",
    "Rerun": "Volver a calcular",
    "Always rerun": "Recalcular siempre",
    "Settings": "Configuración",
    "Print": "Imprimir",
    "Clear cache": "Borrar la caché",
    "Deploy": "Publicar",
    "Connecting": "Conectando",
    "Please wait...": "Espere un momento…",
    "Connection error": "Error de conexión",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
      "No hay conexión con el servidor del tablero. Espere un momento o recargue la página; si sigue, avise al equipo de planeación.",
    "Page not found": "Página no encontrada",
    "OK": "Aceptar",
    "Cancel": "Cancelar",
    "Copy": "Copiar",
    "Copied": "Copiado",
  };

  // Texts with a part that changes.
  const PATTERNS = [
    [/^(\d+)\.(\d)\s*([KMG]?B)$/, (m, whole, tenth, unit) => `${whole},${tenth} ${unit}`],
    [/^(.+), (\d+)\.(\d)\s*([KMG]?B)$/,
      (m, name, whole, tenth, unit) => `${name}, ${whole},${tenth} ${unit}`],
    [/^(\d+(?:[.,]\d+)?)\s*([KMG]?B) per file(.*)$/,
      (m, n, unit, rest) => `Hasta ${n.replace(".", ",")} ${unit} por archivo${rest}`],
    [/^Limit (\d+(?:[.,]\d+)?)\s*([KMG]?B) per file(.*)$/,
      (m, n, unit, rest) => `Hasta ${n.replace(".", ",")} ${unit} por archivo${rest}`],
    [/^(?:Error: )?File must be (\d+(?:[.,]\d+)?)\s*([KMG]?B) or smaller\.$/,
      (m, n, unit) => `El archivo pesa más de ${n.replace(".0", "").replace(".", ",")} ${unit}, ` +
        "el máximo que se puede subir. Guárdelo sin hojas ni imágenes que sobren, o divídalo."],
    [/^(.+) files are not allowed\.$/,
      (m, type) => `No se aceptan archivos ${type}: suba un .xlsx, .xls, .ods o .csv.`],
    [/^You have requested page \/(.*), but no corresponding file was found in the app's pages\/ directory\. Running the app's main page\.$/,
      (m, name) => `La página «/${name}» no existe en el tablero. Se muestra el Resumen; ` +
        "elija otra página en el menú."],
    [/^The page that you have requested does not seem to exist\. Running the app's main page\.$/,
      () => "La página pedida no existe en el tablero. Se muestra el Resumen; elija otra página en el menú."],
    [/^Select (\d+) matches$/, (m, n) => `Seleccionar las ${n} coincidencias`],
    [/^Add: (.*)$/, (m, v) => `Agregar: ${v}`],
    [/^Remove (.+)$/, (m, v) => `Quitar ${v}`],
    [/^Delete (.+)$/, (m, v) => `Quitar ${v}`],
    [/^Help for (.+)$/, (m, v) => `Ayuda sobre ${v}`],
    [/^(.+) — start$/, (m, v) => `${v} — desde`],
    [/^(.+) — end$/, (m, v) => `${v} — hasta`],
    [/^Show (\d+) more$/, (m, n) => `Ver ${n} más`],
  ];

  const ATTRIBUTES = ["aria-label", "title", "placeholder", "data-title", "aria-placeholder",
                      "aria-description", "alt"];

  function translate(text) {
    if (!text) {
      return null;
    }
    const trimmed = text.trim();
    if (!trimmed) {
      return null;
    }
    let spanish = Object.prototype.hasOwnProperty.call(TEXTS, trimmed) ? TEXTS[trimmed] : null;
    if (spanish === null) {
      for (const [pattern, replace] of PATTERNS) {
        if (pattern.test(trimmed)) {
          spanish = trimmed.replace(pattern, replace);
          break;
        }
      }
    }
    if (spanish === null || spanish === trimmed) {
      return null;
    }
    return text.replace(trimmed, spanish);
  }

  function fixAttributes(element) {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      const spanish = value && translate(value);
      if (spanish) {
        element.setAttribute(name, spanish);
      }
    }
  }

  function fixText(node) {
    const spanish = translate(node.nodeValue);
    if (spanish) {
      node.nodeValue = spanish;
    }
  }

  function fixTree(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      fixText(node);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    fixAttributes(node);
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let current = walker.nextNode(); current; current = walker.nextNode()) {
      if (current.nodeType === Node.TEXT_NODE) {
        fixText(current);
      } else {
        fixAttributes(current);
      }
    }
  }

  const observer = new MutationObserver((mutations) => {
    if (root.lang !== "es") {
      root.lang = "es";
    }
    for (const mutation of mutations) {
      if (mutation.type === "characterData") {
        fixText(mutation.target);
      } else if (mutation.type === "attributes") {
        fixAttributes(mutation.target);
      } else {
        mutation.addedNodes.forEach(fixTree);
      }
    }
  });
  observer.observe(root, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ATTRIBUTES.concat(["lang"]),
  });
  fixTree(document.body);

  // «Filtros»: on a phone the sidebar starts closed; this button opens it. A
  // page chosen in the sidebar's menu closes it again (Streamlit leaves it
  // open over the new page).
  const NARROW = 768;  // px: Streamlit's "md" breakpoint, below which it starts closed
  function click(selector) {
    const found = document.querySelector(selector);
    const button = found && (found.matches("button") ? found : found.querySelector("button"));
    if (button) {
      button.click();
    }
  }
  document.addEventListener("click", (event) => {
    if (!event.target.closest) {
      return;
    }
    if (event.target.closest("[data-abrir-filtros]")) {
      click("[data-testid='stExpandSidebarButton']");
    } else if (event.target.closest("[data-testid='stSidebarNavLink']")
               && window.innerWidth <= NARROW) {
      click("[data-testid='stSidebarCollapseButton']");
    }
  });
})();
