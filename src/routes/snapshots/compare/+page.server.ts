import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { serverCaller, describeRefusal } from '$lib/server/trpc/caller.js';

const idParam = (url: URL, name: string) => {
  const raw = url.searchParams.get(name) ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : error(400, `Choose two snapshots to compare (?a=…&b=…): "${name}" is missing or not a snapshot id.`);
};

export const load: PageServerLoad = async (event) => {
  const input = { a: idParam(event.url, 'a'), b: idParam(event.url, 'b') };
  try {
    return { comparison: await (await serverCaller(event)).snapshots.compare(input) };
  } catch (err) {
    const refusal = describeRefusal(err);
    if (refusal) error(refusal.status, refusal.message);
    throw err;
  }
};
