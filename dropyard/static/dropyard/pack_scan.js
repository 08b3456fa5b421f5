/* Pack page: scanning (or typing) a SKU and pressing Enter counts one unit of that line as
   checked, so the packer sees at a glance what is still missing. A barcode scanner types the
   code and sends Enter. Nothing is sent to the server: the weight form is what packs. When
   every unit is checked the focus moves to the weight field, ready for the scale's reading. */
(function () {
  "use strict";

  function setup(input) {
    var table = document.getElementById(input.dataset.scanVerify);
    var status = document.querySelector("[data-testid=scan-status]");
    if (!table || !status) {
      return;
    }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-sku]"));

    function allChecked() {
      return rows.every(function (row) {
        var cell = row.querySelector("[data-scanned]");
        return +cell.dataset.scanned >= +row.dataset.quantity;
      });
    }

    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      var code = input.value.trim().toUpperCase();
      input.value = "";
      if (!code) {
        return;
      }
      var row = rows.find(function (r) { return r.dataset.sku.toUpperCase() === code; });
      if (!row) {
        status.textContent = status.dataset.unknown + " " + code;
        status.classList.add("text-danger");
        return;
      }
      status.classList.remove("text-danger");
      var cell = row.querySelector("[data-scanned]");
      var scanned = +cell.dataset.scanned + 1;
      cell.dataset.scanned = scanned;
      cell.textContent = scanned;
      var quantity = +row.dataset.quantity;
      row.classList.toggle("table-success", scanned === quantity);
      row.classList.toggle("table-danger", scanned > quantity);
      status.textContent = row.dataset.sku + ": " + scanned + " / " + quantity;
      if (allChecked()) {
        status.textContent = status.dataset.done;
        var weight = document.querySelector("input[name=measured_weight_g]");
        if (weight) {
          weight.focus();
        }
      }
    });
  }

  document.querySelectorAll("input[data-scan-verify]").forEach(setup);
})();
