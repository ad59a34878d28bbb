// The region table under the map: sort by any column and filter by name, code or wijk.
// Progressive enhancement: without this script the table is a plain, complete table; with it
// each column head becomes a button (aria-sort says the order) and a search box filters rows.
// Texts come from the table's data attributes, so the page's language is kept.
(function () {
  "use strict";

  var table = document.querySelector("table[data-tabel-sorteer]");
  if (!table) {
    return;
  }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(body.rows);
  var collator = new Intl.Collator(document.documentElement.lang || "nl", {
    numeric: true,
    sensitivity: "base",
  });

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) {
      return "";
    }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function sortBy(index, numeric, descending) {
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellValue(a, index);
      var y = cellValue(b, index);
      // Rows without a value go last, whichever way the column is sorted.
      if (x === "" || y === "") {
        return x === y ? 0 : x === "" ? 1 : -1;
      }
      var order = numeric ? parseFloat(x) - parseFloat(y) : collator.compare(x, y);
      return descending ? -order : order;
    });
    sorted.forEach(function (row) {
      body.appendChild(row);
    });
  }

  heads.forEach(function (head, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "wk-sort";
    while (head.firstChild) {
      button.appendChild(head.firstChild);
    }
    head.appendChild(button);
    button.addEventListener("click", function () {
      var descending = head.getAttribute("aria-sort") === "ascending";
      heads.forEach(function (other) {
        other.removeAttribute("aria-sort");
      });
      head.setAttribute("aria-sort", descending ? "descending" : "ascending");
      sortBy(index, head.hasAttribute("data-numeriek"), descending);
    });
  });

  // The filter box goes right above the table, labelled in the page's language.
  var container = table.parentNode;
  var field = document.createElement("div");
  field.className = "utrecht-form-field wk-filter";
  var label = document.createElement("label");
  label.className = "utrecht-form-label";
  label.htmlFor = "tabel-filter";
  label.textContent = table.getAttribute("data-filter-label");
  var input = document.createElement("input");
  input.className = "utrecht-textbox utrecht-textbox--html-input";
  input.type = "search";
  input.id = "tabel-filter";
  input.autocomplete = "off";
  input.setAttribute("aria-describedby", "tabel-filter-stand");
  var status = document.createElement("p");
  status.className = "utrecht-paragraph utrecht-paragraph--small";
  status.id = "tabel-filter-stand";
  status.setAttribute("role", "status");
  field.appendChild(label);
  field.appendChild(input);
  field.appendChild(status);
  container.parentNode.insertBefore(field, container);

  function fold(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  }

  input.addEventListener("input", function () {
    var wanted = fold(input.value.trim());
    var shown = 0;
    rows.forEach(function (row) {
      var match = wanted === "" || fold(row.textContent).indexOf(wanted) !== -1;
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    status.textContent = wanted === ""
      ? ""
      : table
          .getAttribute("data-filter-count")
          .replace("{shown}", String(shown))
          .replace("{total}", String(rows.length));
  });
})();
