/* Sorting by column headings: an enhancement only. Without it the tables read in
   full, in school-name order. Each heading becomes a button; pressing it sorts the
   rows by that column (again: the other way) and says so through aria-sort and a
   polite live region. Ties keep the school-name order. */
(function () {
  "use strict";
  var status = document.getElementById("sort-status");
  var collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });

  function key(cell, numeric) {
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return numeric ? parseFloat(value) : value.trim();
  }

  function enhance(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    // The caption's words: in the span that keeps them in view while the table scrolls.
    var caption = table.caption && (table.caption.querySelector(".caption-text") || table.caption);
    var order = new Map();
    Array.prototype.forEach.call(body.rows, function (row, i) { order.set(row, i); });

    function sortBy(column) {
      var head = heads[column];
      var numeric = head.getAttribute("data-type") === "number";
      var direction = head.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var sign = direction === "ascending" ? 1 : -1;
      var rows = Array.prototype.map.call(body.rows, function (row) {
        return { row: row, key: key(row.cells[column], numeric) };
      });
      rows.sort(function (a, b) {
        var d = numeric ? a.key - b.key : collator.compare(a.key, b.key);
        return d ? d * sign : order.get(a.row) - order.get(b.row);
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function (item) { fragment.appendChild(item.row); });
      body.appendChild(fragment);
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      head.setAttribute("aria-sort", direction);
      var hint = caption && caption.querySelector(".hint");
      var words = "(sorted by " + head.textContent.trim() + ", " + direction + ")";
      if (hint) { hint.textContent = words; }
      status.textContent = caption.firstChild.textContent.trim() + ": " + words.slice(1, -1) + ".";
    }

    heads.forEach(function (head, column) {
      var button = document.createElement("button");
      button.type = "button";
      while (head.firstChild) { button.appendChild(head.firstChild); }
      head.appendChild(button);
      button.addEventListener("click", function () { sortBy(column); });
    });
    // How to sort: on screen only (the print stylesheet hides it, as it hides the arrows).
    if (caption) {
      var how = document.createElement("span");
      how.className = "how";
      how.textContent = " Select a column heading to sort.";
      caption.appendChild(how);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);
})();
