/** brackets-manager 1.x with its in-memory storage (brackets-memory-db): async API. */
import { BracketsManager, type DataTypes } from 'brackets-manager';
import { InMemoryDatabase } from 'brackets-memory-db';
import { mulberry32 } from './random.js';

/** brackets-model `Status.Ready`: both participants known, no result yet. */
const READY = 2;

/** Creates and completes a double elimination with a grand final reset ('double'). */
export async function bracketsManagerDoubleElimination(
  teams: number,
  seed: number,
): Promise<{ matches: number }> {
  const rnd = mulberry32(seed);
  const storage = new InMemoryDatabase();
  const manager = new BracketsManager(storage);
  await manager.create.stage({
    tournamentId: 0,
    name: 'Bench',
    type: 'double_elimination',
    seeding: Array.from({ length: teams }, (_, i) => `Team ${i + 1}`),
    settings: { grandFinal: 'double' },
  });
  for (;;) {
    const all = ((await storage.select('match')) ?? []) as DataTypes['match'][];
    const ready = all.filter((m) => m.status === READY);
    if (ready.length === 0) return { matches: all.length };
    for (const m of ready) {
      const first = rnd() < 0.5;
      await manager.update.match({
        id: m.id,
        opponent1: { score: first ? 1 : 0, result: first ? 'win' : 'loss' },
        opponent2: { score: first ? 0 : 1, result: first ? 'loss' : 'win' },
      });
    }
  }
}
