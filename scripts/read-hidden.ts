// Reads one line from a terminal without echoing it, for typing a password. Backspace and Ctrl-U edit, Enter ends,
// Ctrl-C cancels.

export class Cancelled extends Error {
  override name = "Cancelled";
}

export function readHidden(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error) => {
      input.removeListener("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new Cancelled("cancelled"));
        if (ch === "\u0004" && value === "") return finish();
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch === "\u0015") value = "";
        // Other control characters (arrows, escape sequences) are not part of a password.
        else if (ch >= " ") value += ch;
      }
    };
    output.write(prompt);
    input.setEncoding("utf8");
    input.setRawMode(true);
    input.on("data", onData);
    input.resume();
  });
}
