// Turns a drop of files and folders into the items `workstation.shell.stageFiles` takes. In Electron each dropped
// File (a folder too) has a path on disk, so the top-level Files are enough. In a browser a folder must be walked
// through the File System entries API so that its files can be uploaded with their relative paths.
import type { DroppedItem } from '../../../app/contract/api';

/** Reads the drop synchronously (a DataTransfer is emptied when the event handler returns), then walks folders. */
export function droppedItems(dt: DataTransfer, kind: 'electron' | 'web'): Promise<DroppedItem<File>[]> {
  if (kind === 'electron') return Promise.resolve([...dt.files].map((file) => ({ file })));
  const roots: (FileSystemEntry | File)[] = [];
  for (const item of [...dt.items]) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    const file = entry === null ? item.getAsFile() : null;
    if (entry !== null) roots.push(entry);
    else if (file !== null) roots.push(file);
  }
  return collect(roots);
}

async function collect(roots: (FileSystemEntry | File)[]): Promise<DroppedItem<File>[]> {
  const out: DroppedItem<File>[] = [];
  for (const root of roots) {
    if (root instanceof File) out.push({ file: root });
    else if (root.isFile) out.push({ file: await fileOf(root as FileSystemFileEntry) });
    else await walk(root as FileSystemDirectoryEntry, root.name, out);
  }
  return out;
}

async function walk(dir: FileSystemDirectoryEntry, prefix: string, out: DroppedItem<File>[]): Promise<void> {
  const reader = dir.createReader();
  for (;;) {
    // readEntries returns at most ~100 entries per call; an empty batch means the end.
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      const rel = `${prefix}/${entry.name}`;
      if (entry.isFile) out.push({ file: await fileOf(entry as FileSystemFileEntry), relativePath: rel });
      else if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, rel, out);
    }
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}
