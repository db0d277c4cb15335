// File inputs and their upload. The page may run this script again when a
// response is written over it (see replaceDocument), so it binds only to
// the elements of the document it finds and declares nothing global.
(function () {
  // The browser's own button speaks the browser's language, so the pages
  // hide it behind labels of their own and show the chosen files' names
  // here: those of every input named in data-for (the camera's and the
  // album's of one field).
  document.querySelectorAll(".file-name[data-for]").forEach(function (out) {
    var none = out.textContent;
    var inputs = out.dataset.for.split(" ").map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    inputs.forEach(function (input) {
      if (input.hasAttribute("capture")) keepShots(input);
      input.addEventListener("change", function () {
        var names = [];
        inputs.forEach(function (i) {
          Array.prototype.forEach.call(i.files, function (f) { names.push(f.name); });
        });
        out.textContent = names.length ? names.join("，") : none;
      });
    });
  });

  // A camera input takes one photo a time, each replacing the last; so
  // that several can be taken, each new one is added to those before.
  function keepShots(input) {
    if (!window.DataTransfer) return;
    var shots = [];
    // Registered first, it runs before the names are shown.
    input.addEventListener("change", function () {
      shots = shots.concat(Array.prototype.slice.call(input.files));
      var all = new DataTransfer();
      shots.forEach(function (f) { all.items.add(f); });
      input.files = all.files;
    });
  }

  // The part of the page an upload's redirect named, gone to once the
  // page is loaded.
  var anchor = window.sessionStorage && sessionStorage.getItem("upload-anchor");
  if (anchor) {
    sessionStorage.removeItem("upload-anchor");
    var part = document.getElementById(anchor);
    if (part) {
      history.replaceState(null, "", "#" + anchor);
      part.scrollIntoView();
    }
  }

  // On a slow connection a form with photos takes a while to send and the
  // browser shows nothing meanwhile; so such a form is sent from here,
  // with a bar of how much has gone. Without this script, or with no file
  // chosen, the form is sent as any other.
  if (!window.FormData || !window.XMLHttpRequest || !("upload" in new XMLHttpRequest())) return;
  document.querySelectorAll('form[enctype="multipart/form-data"]').forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var chosen = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) {
        return i.files && i.files.length > 0;
      });
      if (!chosen || e.defaultPrevented) return;
      e.preventDefault();
      if (form.dataset.sending) return;
      send(form, e.submitter);
    });
  });

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var url = form.action;
    var buttons = form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]");
    var bar = progressBar(form);
    var what = photosOnly(form) ? "照片" : "文件";
    var xhr = new XMLHttpRequest();
    function busy(on) {
      if (on) form.dataset.sending = "1"; else delete form.dataset.sending;
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = on; });
    }
    function failed() {
      busy(false);
      bar.box.classList.add("failed");
      bar.line.textContent = "网络中断，" + what + "未上传，请重试";
    }
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.floor(e.loaded * 100 / e.total);
      bar.progress.value = pct;
      bar.line.textContent = "正在上传：已传 " + mb(e.loaded) + " / 共 " + mb(e.total) + "（" + pct + "%）";
    };
    xhr.upload.onload = function () {
      bar.progress.value = 100;
      bar.line.textContent = "已上传，正在保存，请稍候";
    };
    xhr.onload = function () {
      // A redirect (post/redirect/get) is followed by the browser itself,
      // so that the result is a page of its own; any other answer (a
      // refusal in Chinese, a receipt) is shown in place of this page.
      // The part of the page the redirect named is not seen by a
      // request: the form says it (data-anchor), and the page it leads
      // to goes there once loaded (see below). Only the address is
      // followed here: were a part named in it, the page this one is
      // would not be loaded again.
      if (xhr.responseURL && xhr.responseURL !== url) {
        if (form.dataset.anchor) sessionStorage.setItem("upload-anchor", form.dataset.anchor);
        location.replace(xhr.responseURL);
        return;
      }
      replaceDocument(xhr.responseText);
    };
    xhr.onerror = failed;
    xhr.ontimeout = failed;
    xhr.onabort = failed;
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), url);
    busy(true);
    bar.box.classList.remove("failed");
    bar.progress.value = 0;
    bar.line.textContent = "正在上传…";
    xhr.send(data);
  }

  // progressBar returns the form's bar, made on its first upload.
  function progressBar(form) {
    var box = form.querySelector(".upload-progress");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-progress";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      box.innerHTML = '<progress max="100" value="0"></progress><span class="upload-line"></span>';
      form.appendChild(box);
    }
    return { box: box, progress: box.querySelector("progress"), line: box.querySelector(".upload-line") };
  }

  // photosOnly reports whether the form's file inputs take photos only.
  function photosOnly(form) {
    return Array.prototype.every.call(form.querySelectorAll("input[type=file]"), function (i) {
      return i.accept === "image/*";
    });
  }

  function mb(n) {
    return (n / 1048576).toFixed(1) + " MB";
  }

  // replaceDocument shows html, the answer to a post, as the page, its
  // scripts (this one too) run again. The address stays the form's page,
  // which reloading shows afresh; the address posted to takes no GET.
  function replaceDocument(html) {
    document.open();
    document.write(html);
    document.close();
  }
})();
