/**
 * Tenant rules read from agency identifier codes (`NNN.NN.NN.XNN`, read right to left).
 * A system registered for `000.00.00.H56` (the province) owns every unit under H56; one
 * registered for `000.00.06.H56` owns that unit and the units below it.
 */
const CODE = /^(\d{3})\.(\d{2})\.(\d{2})\.([A-K]\d{2})$/;

/** Whether a system of agency `owner` may see and change data of agency `code`. */
export function ownsAgency(owner: string, code: string): boolean {
  const o = CODE.exec(owner);
  const c = CODE.exec(code);
  if (!o || !c) return false;
  if (o[4] !== c[4]) return false;
  for (let i = 1; i <= 3; i++) {
    if (Number(o[i]) !== 0 && o[i] !== c[i]) return false;
  }
  return true;
}

/** The agency part of a dossier code (`000.00.06.H56-231027-0361` → `000.00.06.H56`). */
export function dossierAgency(MaHoSo: string): string {
  const dash = MaHoSo.indexOf('-');
  return dash < 0 ? MaHoSo : MaHoSo.slice(0, dash);
}
