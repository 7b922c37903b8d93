import ChatKitChat

/// The chat page that `chatserver` serves at `GET /`: one self-contained HTML document (inline style and
/// script, no external asset) that speaks the chat protocol of docs/protocol.md over `ws(s)://<same host>/ws`.
/// People open it to watch a load test's rooms, or to chat, from a browser.
///
/// Everything a user or the server sends is put on the page with `textContent` / `createTextNode`, never
/// parsed as HTML. The style and the script are separate constants because the Content-Security-Policy
/// allows exactly these texts by their SHA-256 (see ``ChatPage/contentSecurityPolicy``).
enum ChatPage {
    /// Lines kept in the message list; older ones are removed, so a busy load-test room cannot grow the page
    /// without bound.
    static let maxLogLines = 500

    /// The complete document.
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ChatKit chat</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <header>
          <h1>ChatKit chat</h1>
          <form id="connect" autocomplete="off">
            <label>Name <input id="name" required maxlength="32" size="14"></label>
            <label>Room <input id="room" required maxlength="64" size="14"></label>
            <button id="connect-button" type="submit">Join</button>
          </form>
          <p id="status" role="status">Not connected.</p>
        </header>
        <main>
          <section id="messages" aria-label="Messages"><ol id="log"></ol></section>
          <aside aria-label="Rooms and members"><h2>Who is here</h2><div id="members"></div></aside>
        </main>
        <form id="compose" autocomplete="off">
          <span id="current-room">no room</span>
          <input id="text" aria-label="Message" disabled
                 placeholder="Message, or /w NAME TEXT to whisper, /join ROOM, /leave [ROOM]">
          <button id="send" type="submit" disabled>Send</button>
        </form>
        <script>\(Self.script)</script>
        </body>
        </html>

        """

    /// The inline style sheet (allowed by its hash; the page has no `style` attributes).
    static let style = """

        :root { font: 15px/1.4 system-ui, sans-serif; color: #1d232a; background: #f4f6f8; }
        body { margin: 0; height: 100vh; display: grid; grid-template-rows: auto 1fr auto; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .6rem 1rem;
                 background: #1f3a5f; color: #fff; }
        h1 { font-size: 1.1rem; margin: 0; }
        header form { display: flex; gap: .5rem; align-items: center; }
        #status { margin: 0; font-size: .9rem; }
        main { display: grid; grid-template-columns: 1fr 15rem; min-height: 0; }
        #messages { overflow-y: auto; padding: .5rem 1rem; background: #fff; }
        #log { list-style: none; margin: 0; padding: 0; }
        #log li { padding: .15rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        #log time { color: #8a96a3; font-size: .8rem; font-variant-numeric: tabular-nums; }
        #log .history { color: #5d6b79; }
        #log .whisper { color: #6b2fa3; font-style: italic; }
        #log .presence, #log .info { color: #6b7785; font-size: .9rem; }
        #log .error, #log .closed { color: #b3261e; }
        aside { padding: .5rem 1rem; border-left: 1px solid #d5dbe1; overflow-y: auto; }
        aside h2 { font-size: .95rem; margin: .2rem 0 .5rem; }
        aside button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer;
                       color: #1f3a5f; }
        aside button.current { text-decoration: underline; }
        aside ul { margin: .2rem 0 .8rem; padding-left: 1.2rem; }
        aside li.me { font-weight: 600; }
        #compose { display: flex; gap: .5rem; padding: .6rem 1rem; border-top: 1px solid #d5dbe1; background: #fff; }
        #current-room { align-self: center; color: #5d6b79; }
        #text { flex: 1; }
        input, button { font: inherit; padding: .3rem .5rem; }

        """

    /// The inline script (allowed by its hash). Raw string: the regular expressions keep their backslashes.
    static let script = #"""

        "use strict";
        const maxLogLines = \#(Self.maxLogLines);
        const $ = (id) => document.getElementById(id);
        const log = $("log"), scroller = $("messages"), members = $("members"), text = $("text");
        const rooms = new Map();  // room -> Set of member names, for every room this page is in
        let socket = null, opened = false, me = "", current = "";

        // All text from users and from the server goes through textContent: never parsed as HTML.
        function element(tag, className, content) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (content !== undefined) node.textContent = content;
          return node;
        }

        function clock(ts) {
          return new Date(ts || Date.now()).toLocaleTimeString([], {hour12: false});
        }

        function show(className, content, ts) {
          const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
          const line = element("li", className);
          line.append(element("time", "", clock(ts) + " "), document.createTextNode(content));
          log.append(line);
          while (log.childElementCount > maxLogLines) log.firstElementChild.remove();
          if (atBottom) scroller.scrollTop = scroller.scrollHeight;
        }

        function showMessage(message, fromHistory) {
          const content = `[${message.room}] ${message.from}: ${message.content}`;
          show(fromHistory ? "message history" : "message", content, message.ts);
        }

        function renderMembers() {
          members.replaceChildren();
          for (const room of [...rooms.keys()].sort()) {
            const heading = element("button", room === current ? "current" : "", room);
            heading.type = "button";
            heading.title = "Send messages to this room";
            heading.addEventListener("click", () => { current = room; render(); });
            const list = element("ul");
            for (const name of [...rooms.get(room)].sort()) list.append(element("li", name === me ? "me" : "", name));
            members.append(heading, list);
          }
        }

        function render() {
          renderMembers();
          const ready = socket !== null && opened;
          $("current-room").textContent = current ? `[${current}]` : "no room";
          text.disabled = !ready;
          $("send").disabled = !ready;
          $("name").disabled = $("room").disabled = socket !== null;
          $("connect-button").textContent = socket ? "Disconnect" : "Join";
        }

        function send(frame) {
          if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
        }

        // Mirrors the server's name rules (NFC; letters, digits, - _ . and marks after them; nothing invisible;
        // a length in characters and in UTF-8 bytes); the server has the last word.
        function nameProblem(value, maxLength, maxBytes, what) {
          value = value.normalize("NFC");
          if (/[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/u.test(value)) {
            return `The ${what} contains an invisible or control character.`;
          }
          if (!/^[\p{Alphabetic}\p{N}._-][\p{Alphabetic}\p{N}\p{M}._-]*$/u.test(value)) {
            return `The ${what} may only contain letters, digits, - _ and .`;
          }
          if ([...value].length > maxLength) return `The ${what} is longer than ${maxLength} characters.`;
          if (new TextEncoder().encode(value).length > maxBytes) {
            return `The ${what} is longer than ${maxBytes} bytes.`;
          }
          return "";
        }

        function handle(frame) {
          switch (frame.type) {
          case "welcome":
            me = frame.name;
            $("status").textContent = `Connected as ${me}.`;
            break;
          case "joined":
            rooms.set(frame.room, new Set([me]));
            current = frame.room;
            show("info", `You joined ${frame.room}.`);
            send({type: "users", room: frame.room});
            break;
          case "history":
            if (frame.messages.length > 0) show("info", `Recent messages in ${frame.room}:`);
            for (const message of frame.messages) showMessage(message, true);
            break;
          case "users":
            if (rooms.has(frame.room)) rooms.set(frame.room, new Set(frame.names));
            break;
          case "presence": {
            const names = rooms.get(frame.room);
            if (names && frame.event === "join") names.add(frame.name);
            if (names && frame.event === "leave") names.delete(frame.name);
            show("presence", `${frame.name} ${frame.event === "join" ? "joined" : "left"} ${frame.room}.`);
            break;
          }
          case "message":
            showMessage(frame, false);
            break;
          case "whisper":
            show("whisper", `${frame.from} → ${frame.to} (whisper): ${frame.content}`, frame.ts);
            break;
          case "left":
            rooms.delete(frame.room);
            if (current === frame.room) current = rooms.keys().next().value || "";
            show("info", `You left ${frame.room}.`);
            break;
          case "error":
            show("error", `Error ${frame.code}: ${frame.message}`);
            break;
          }
          render();
        }

        function connect(name, room) {
          const scheme = location.protocol === "https:" ? "wss://" : "ws://";
          const query = "?name=" + encodeURIComponent(name) + "&room=" + encodeURIComponent(room);
          me = name;
          opened = false;
          socket = new WebSocket(scheme + location.host + "/ws" + query);
          $("status").textContent = `Connecting as ${name}…`;
          socket.addEventListener("open", () => { opened = true; render(); text.focus(); });
          socket.addEventListener("message", (event) => {
            try { handle(JSON.parse(event.data)); } catch (error) { show("error", `Unreadable frame: ${error}`); }
          });
          socket.addEventListener("close", (event) => {
            const reason = event.reason ? ` (${event.reason})` : "";
            show("closed", opened
              ? `Disconnected: close code ${event.code}${reason}.`
              : `Could not connect (close code ${event.code}): the name may be taken, or the server is unreachable.`);
            $("status").textContent = `Not connected (close code ${event.code}).`;
            socket = null;
            opened = false;
            rooms.clear();
            current = "";
            render();
          });
          render();
        }

        $("connect").addEventListener("submit", (event) => {
          event.preventDefault();
          if (socket) { socket.close(1000, "bye"); return; }
          const name = $("name").value.trim(), room = $("room").value.trim();
          const problem = nameProblem(name, 32, 64, "name") || nameProblem(room, 64, 128, "room");
          if (problem) { show("error", problem); return; }
          connect(name, room);
        });

        $("compose").addEventListener("submit", (event) => {
          event.preventDefault();
          const line = text.value;
          let match;
          if ((match = line.match(/^\/w(?:hisper)?\s+(\S+)\s([\s\S]*)$/))) {
            send({type: "whisper", to: match[1], content: match[2]});
          } else if ((match = line.match(/^\/join\s+(\S+)\s*$/))) {
            send({type: "join", room: match[1]});
          } else if ((match = line.match(/^\/leave(?:\s+(\S+))?\s*$/))) {
            if (match[1] || current) send({type: "leave", room: match[1] || current});
          } else if (line.startsWith("/")) {
            show("error", "Commands: /w NAME TEXT, /join ROOM, /leave [ROOM].");
            return;
          } else if (current) {
            send({type: "say", room: current, content: line});
          } else {
            show("error", "Join a room first: /join ROOM.");
            return;
          }
          text.value = "";
        });

        const params = new URLSearchParams(location.search);
        $("name").value = params.get("name") || "watcher-" + Math.floor(1000 + Math.random() * 9000);
        $("room").value = params.get("room") || "lobby";
        render();

        """#
}
