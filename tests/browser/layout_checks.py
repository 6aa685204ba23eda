"""Layout problems a reader sees, measured in the browser: horizontal overflow, text cut
by its box, short words broken across lines, select boxes too narrow for their choice."""

# Words up to this long must never be split across lines (longer ones may break or
# hyphenate); URLs, e-mails and hashes are left out: they may break anywhere.
MEASURE = """(maxWord) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }
  const hidden = el => !el.getClientRects().length
    || el.closest(".visually-hidden, [hidden], code, pre, textarea, time, thead");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || hidden(el) || el.closest("script, style, option")) continue;
    // A hyphen or a slash is a place where a line may break: each side is a word.
    for (const match of node.data.matchAll(/[^\\s\\-\u2010\\/]+/g)) {
      const word = match[0];
      if (word.length > maxWord || /[@.:#_=;]|\\d/.test(word)) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                             .map(r => Math.round(r.top)));
      if (tops.size > 1) problems.push(`"${word}" broken across ${tops.size} lines`);
    }
  }
  const canvas = document.createElement("canvas").getContext("2d");
  for (const el of document.querySelectorAll("th, td, label, button, .button, h1, h2, select")) {
    if (hidden(el)) continue;
    const style = getComputedStyle(el);
    if (el.tagName === "SELECT" && style.whiteSpace === "normal") {
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`select is cut: ${el.scrollWidth}px in ${el.clientWidth}px`);
    } else if (el.tagName === "SELECT") {
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = el.selectedOptions.length ? el.selectedOptions[0].text : "";
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
      if (canvas.measureText(text).width > room + 1) problems.push(`select cuts "${text}"`);
    } else if (el.scrollWidth > el.clientWidth + 1 && style.overflowX === "visible"
               && style.display !== "inline") {
      problems.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" `
                    + `is cut: ${el.scrollWidth}px of text in ${el.clientWidth}px`);
    }
  }
  return problems;
}"""


def layout_problems(page, max_word=14):
    """What is wrong with the page's layout at its current viewport, as readable lines."""
    return page.evaluate(MEASURE, max_word)


# What one view of a page shows (one evaluate per view, so all pages in all languages at
# every width and theme stay cheap): the page's overflow and what sticks out, text cut by
# its box, and the page's strings (visible text, and the attributes a reader hears or sees).
VIEW_FACTS = """(withTexts) => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/)[0] : "");
  const says = el => `"${(el.innerText || el.value || el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40)}"`;
  const overflow = document.documentElement.scrollWidth - width;
  const ownText = el => [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
  const clippedByScroller = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  if (overflow > 1) {
    const sticking = [], outside = [];  // partly in the window first (a skip link is all out)
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width && (box.right > width + 1 || box.left < -1) && !clippedByScroller(el)) {
        (box.right < 0 || box.left > width ? outside : sticking)
          .push(`${describe(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
      } else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"
                 && !clippedByScroller(el) && ownText(el)) {
        sticking.push(`${describe(el)}'s text (${el.scrollWidth}px in ${el.clientWidth}px)`);
      }
    }
    problems.push(`page is ${overflow}px wider than its ${width}px window: ${sticking.concat(outside).slice(0, 5).join(", ")}`);
  }
  // Not seen: not rendered, or a screen-reader-only box (1 px, clipped).
  const unseen = el => {
    const box = el.getBoundingClientRect();
    return !el.getClientRects().length || (box.width <= 1 && box.height <= 1)
      || el.closest(".visually-hidden, [hidden]");
  };
  const canvas = document.createElement("canvas").getContext("2d");
  const textWidth = (el, text) => {
    const style = getComputedStyle(el);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return canvas.measureText(text).width;
  };
  for (const el of document.body.querySelectorAll("*")) {
    // Geometry first (cheap once laid out), styles only for the few that may be cut.
    const wide = el.scrollWidth > el.clientWidth + 1;
    if (!wide && !el.matches("select, input[placeholder]:placeholder-shown")) continue;
    if (unseen(el)) continue;
    const style = getComputedStyle(el);
    const cut = wide && style.display !== "inline";
    if (el.matches("select") && style.whiteSpace === "normal") {  // its choice wraps
      if (wide) problems.push(`select ${describe(el)} is cut: ${el.scrollWidth}px in ${el.clientWidth}px`);
    } else if (el.matches("select")) {
      const text = el.selectedOptions.length ? el.selectedOptions[0].text : "";
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
      if (textWidth(el, text) > room + 1) problems.push(`select ${describe(el)} cuts "${text}"`);
    } else if (el.matches("input[placeholder]:placeholder-shown")) {
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (textWidth(el, el.placeholder) > room + 1) problems.push(`placeholder "${el.placeholder}" is cut`);
    } else if (el.matches("button, input[type=submit], input[type=button]") && cut) {
      problems.push(`button ${says(el)} is cut: ${el.scrollWidth}px in ${el.clientWidth}px`);
    } else if (cut && ownText(el) && (["hidden", "clip"].includes(style.overflowX)
                                      || style.textOverflow === "ellipsis")) {
      problems.push(`${describe(el)} ${says(el)} is cut by its box: ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  const texts = new Set();
  if (!withTexts) return {problems, texts: []};
  const add = text => { text = (text || "").replace(/\\s+/g, " ").trim(); if (text) texts.add(text); };
  add(document.title);
  // Text marked as in another language (a language's own name, the API's English) is not
  // the page's to translate.
  const pageLang = document.documentElement.lang;
  const foreign = el => { const marked = el.closest("[lang]"); return marked && marked.lang !== pageLang; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("script, style, template, code, pre, textarea") || foreign(el)) continue;
    if (el.closest("option") ? false : !el.getClientRects().length) continue;
    add(node.data);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], img[alt], input[type=submit], input[type=button]")) {
    if (foreign(el)) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt"]) add(el.getAttribute(name));
    if (el.matches("input[type=submit], input[type=button]")) add(el.value);
  }
  return {problems, texts: [...texts]};
}"""


def view_facts(frame, texts=True):
    """{"problems": [...], "texts": [...]} of a page or frame at its current view (texts
    only when asked)."""
    return frame.evaluate(VIEW_FACTS, texts)
