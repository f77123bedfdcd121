// Corkboard post form: uploads each chosen photo on its own (POST /api/photos) with a progress
// bar, keeps the ones that made it as photo ids in the form, and reports a failed one without
// losing the others. Without this script the form posts everything at once (multipart).
(function () {
  "use strict";
  var form = document.querySelector("form.post-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var input = form.querySelector("input[type=file][name=photo]");
  var list = form.querySelector(".photo-list");
  var progress = form.querySelector(".upload-progress");
  var announce = form.querySelector(".upload-announce");
  var submit = form.querySelector("button[type=submit]");
  var maxPhotos = parseInt(form.getAttribute("data-max-photos"), 10) || 10;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 1048576;
  var pending = 0;

  // Screen readers hear each upload start, finish or fail (a polite live region).
  function say(text) { if (announce) announce.textContent = text; }

  function count() { return list.querySelectorAll("li.photo input[name=photos]:checked").length; }
  function refresh() {
    submit.disabled = pending > 0;
    submit.textContent = pending > 0 ? "Uploading photos…" : "Publish";
  }

  // Move buttons: the order of the list is the order of the photos.
  function addControls(li) {
    [["↑", -1], ["↓", 1]].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "move";
      b.textContent = spec[0];
      b.setAttribute("aria-label", spec[1] < 0 ? "Move earlier" : "Move later");
      b.addEventListener("click", function () {
        if (spec[1] < 0 && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
        if (spec[1] > 0 && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
      });
      li.appendChild(b);
    });
  }
  Array.prototype.forEach.call(list.querySelectorAll("li.photo"), addControls);

  // Fills the slot reserved when the file was chosen, so the list keeps the chosen order
  // whichever upload finishes first.
  function addPhoto(li, photo) {
    li.className = "photo";
    li.setAttribute("data-id", photo.id);
    var img = document.createElement("img");
    img.src = photo.thumb_url;
    img.alt = "";
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "photos";
    box.value = photo.id;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" keep"));
    li.appendChild(img);
    li.appendChild(label);
    addControls(li);
  }

  function upload(file) {
    var row = document.createElement("li");
    row.className = "upload";
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    var status = document.createElement("span");
    status.className = "status";
    row.appendChild(name);
    row.appendChild(bar);
    row.appendChild(status);
    progress.appendChild(row);
    var slot = document.createElement("li");
    slot.className = "photo pending";
    list.appendChild(slot);

    function fail(message) {
      if (slot.parentNode) slot.parentNode.removeChild(slot);
      row.classList.add("failed");
      status.textContent = message;
      say(file.name + " was not uploaded: " + message);
      pending--;
      refresh();
    }
    if (file.size > maxBytes) { pending++; fail("larger than 1 MiB"); return; }

    var data = new FormData();
    data.append("photo", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/photos");
    xhr.setRequestHeader("X-Requested-With", "corkboard");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", function () {
      var body = xhr.response || {};
      if (xhr.status === 201 && body.id) {
        bar.value = 100;
        row.classList.add("done");
        status.textContent = "uploaded";
        say(file.name + " uploaded" + (pending > 1 ? "; " + (pending - 1) + " still uploading" : ""));
        addPhoto(slot, body);
        pending--;
        refresh();
      } else {
        fail(body.error || ("upload failed (" + xhr.status + ")"));
      }
    });
    xhr.addEventListener("error", function () { fail("network error"); });
    pending++;
    refresh();
    say("Uploading " + file.name);
    xhr.send(data);
  }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files || []);
    files.forEach(function (file) {
      if (count() + pending >= maxPhotos) {
        var row = document.createElement("li");
        row.className = "upload failed";
        row.textContent = file.name + ": a post can have at most " + maxPhotos + " photos";
        progress.appendChild(row);
        return;
      }
      upload(file);
    });
    input.value = "";   // uploaded separately: the form itself carries only ids
  });

  form.addEventListener("submit", function (e) {
    if (pending > 0) { e.preventDefault(); return; }
    input.disabled = true;   // nothing left in it; do not send an empty file part
  });
})();
