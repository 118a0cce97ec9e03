/** The ahead-of-time profile validator matches the schema (regenerate with `npm run gen:profile`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileValidatorSource, VALIDATOR_REL } from '../../scripts/genProfileValidator.js';

describe('profile schema validator', () => {
  it('is generated from the schema as it is now', () => {
    const committed = readFileSync(new URL(`../../${VALIDATOR_REL}`, import.meta.url), 'utf8');
    expect(committed === profileValidatorSource(), 'run npm run gen:profile').toBe(true);
  });
});

describe('the generated validator decides as ajv does', () => {
  it('on the bundled profiles and on each key given a wrong value', async () => {
    const { Ajv } = await import('ajv');
    const { default: generated } = await import('../../src/profile/profileSchemaValidator.generated.js');
    const schema = JSON.parse(
      readFileSync(new URL('../../terminal-profiles/profile.schema.json', import.meta.url), 'utf8'),
    );
    const live = new Ajv({ allErrors: false, useDefaults: true, strict: false }).compile(schema);
    const base = JSON.parse(
      readFileSync(new URL('../../terminal-profiles/emulator.json', import.meta.url), 'utf8'),
    );
    const cases: unknown[] = [structuredClone(base)];
    const wrong = [42, 'x', -1, 1e9, null, [], {}, true, '0'.repeat(200)];
    for (const section of Object.keys(base)) {
      for (const w of wrong) cases.push({ ...structuredClone(base), [section]: w });
      if (base[section] && typeof base[section] === 'object' && !Array.isArray(base[section])) {
        for (const key of Object.keys(base[section])) {
          for (const w of wrong) {
            const c = structuredClone(base);
            c[section][key] = w;
            cases.push(c);
          }
        }
      }
    }
    let invalid = 0;
    for (const c of cases) {
      const a = structuredClone(c);
      const b = structuredClone(c);
      const okLive = live(a);
      const okGen = generated(b);
      expect(okGen).toBe(okLive);
      expect(b).toEqual(a); // the same defaults filled in
      if (!okLive) {
        invalid++;
        const [el] = live.errors!;
        const [eg] = (generated as unknown as { errors: { instancePath: string; keyword: string }[] }).errors;
        expect({ path: eg.instancePath, keyword: eg.keyword }).toEqual({
          path: el.instancePath,
          keyword: el.keyword,
        });
      }
    }
    expect(invalid).toBeGreaterThan(50);
  });
});
