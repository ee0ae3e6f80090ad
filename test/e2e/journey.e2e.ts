import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  heading,
  launchBrowser,
  openPage,
  samplePdf,
  screenshot,
  signIn,
  textOf,
} from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('evaluation journey', () => {
  it('lets the operator answer an indicator of the open cycle, and the answer survives a reload', async () => {
    // Submitting an incomplete assessment answers 409 SUBMISSION_INCOMPLETE on purpose.
    const t = await openPage(browser, { allowHttpErrors: [/^409 .*\/submit$/] });
    try {
      await signIn(t.page, 'operator.diskominfo@mercusuar.test');
      await t.page.goto('/penilaian');
      await heading(t.page, 'Penilaian mandiri').waitFor();
      // The open cycle's Diskominfo assessment is in draft.
      const row = t.page.locator('tbody tr').filter({ hasText: 'Draf' }).first();
      await row.getByRole('link', { name: /Komunikasi dan Informatika/ }).click();
      await t.page.waitForURL('**/penilaian/*');
      await heading(t.page, /Komunikasi dan Informatika/).waitFor();
      const form = t.page.getByTestId('indicator-form');
      // The first indicator of IDPD is a metric: a measured value, written the Indonesian way.
      await heading(t.page, /^INF-01/, 2).waitFor();
      await form.getByLabel(/^Nilai terukur/).fill('1,5');
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      expect(await textOf(t.page.getByTestId('save-status').getByText('Tersimpan'))).toBe('Tersimpan');
      await t.page.reload();
      await heading(t.page, /^INF-01/, 2).waitFor();
      await expect.poll(() => t.page.getByLabel(/^Nilai terukur/).inputValue()).toBe('1,5');

      // A maturity indicator: five criteria as radio cards, chosen by keyboard-accessible radios.
      await t.page.getByRole('link', { name: /^INF-04/ }).click();
      await heading(t.page, /^INF-04/, 2).waitFor();
      await form.getByTestId('level-3').click();
      await form.getByLabel('Justifikasi').fill('Kebijakan sudah ditetapkan dan diterapkan (uji e2e).');
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      await t.page.getByTestId('save-status').getByText('Tersimpan').waitFor();
      await t.page.reload();
      const level3 = t.page.getByTestId('indicator-form').getByTestId('level-3');
      await expect.poll(() => level3.getAttribute('aria-checked')).toBe('true');

      // Submitting now lists what is missing, each a link to its indicator.
      await t.page.getByRole('button', { name: 'Kirim penilaian' }).click();
      const missing = t.page.getByTestId('missing-list');
      await missing.getByRole('link', { name: /^INF-02/ }).click();
      await heading(t.page, /^INF-02/, 2).waitFor();
      await screenshot(t.page, 'assessment-form');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('puts Diskominfo in the assessor’s verification queue', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'asesor@mercusuar.test');
      await t.page.goto('/verifikasi');
      await heading(t.page, 'Antrian verifikasi').waitFor();
      await t.page
        .getByRole('link', { name: /Komunikasi dan Informatika/ })
        .first()
        .waitFor();
      await screenshot(t.page, 'verification-queue');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('shows the leader the ranking of last year’s published cycle', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page.goto('/dasbor');
      await heading(t.page, 'Dasbor pimpinan').waitFor();
      const table = t.page.getByTestId('ranking-table');
      await table.locator('tbody tr').first().waitFor();
      expect(await table.locator('tbody tr').count()).toBe(46);
      await table
        .locator('tbody tr')
        .filter({ hasText: 'Dinas Komunikasi dan Informatika' })
        .first()
        .waitFor();
      const [rank, , index] = await table.locator('tbody tr').first().locator('td').allTextContents();
      expect(rank).toBe('1');
      expect(index).toMatch(/^\d,\d{2}$/);
      await t.page.getByRole('img', { name: 'Sebaran predikat' }).locator('svg').waitFor();
      await screenshot(t.page, 'dashboard-results');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});

describe('evaluation journey: submit, verify, return, fix, finalise, publish', () => {
  it('takes a Diskominfo assessment from draft to the public results page', async () => {
    const coordinatorApi = await apiClient('koordinator@mercusuar.test');
    const operatorApi = await apiClient('operator.diskominfo@mercusuar.test');
    const assessorApi = await apiClient('asesor@mercusuar.test');

    // Arrange: a cycle of its own (one unit, so it can be published without touching the demo's
    // open cycle), with the demo assessor assigned, opened now.
    const { items: instruments } = (await coordinatorApi('GET', '/api/instruments')) as {
      items: Array<{ code: string; versions: Array<{ id: string; status: string }> }>;
    };
    const idpd = instruments.find((i) => i.code === 'idpd')!.versions.find((v) => v.status === 'published')!;
    const assessor = (await assessorApi('GET', '/api/auth/session')) as { user: { id: string } };
    const day = 86_400_000;
    const at = (d: number) => new Date(Date.now() + d * day).toISOString();
    const cycleName = `Uji perjalanan e2e ${Date.now().toString(36)}`;
    const cycle = (await coordinatorApi('POST', '/api/cycles', {
      name: cycleName,
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      instrumentVersionId: idpd.id,
      scopeUnitCode: '61-DISKOMINFO',
      phases: [
        { phase: 'mandiri', startsAt: at(-1), endsAt: at(9) },
        { phase: 'dokumen', startsAt: at(9), endsAt: at(19) },
        { phase: 'interviu', startsAt: at(19), endsAt: at(24) },
        { phase: 'finalisasi', startsAt: at(24), endsAt: at(29) },
      ],
      assessors: [{ unitCode: '61-DISKOMINFO', userIds: [assessor.user.id] }],
    })) as { id: string };
    await coordinatorApi('POST', `/api/cycles/${cycle.id}/open`);
    const { items } = (await operatorApi('GET', `/api/cycles/${cycle.id}/assessments`)) as {
      items: Array<{ id: string; unit: { code: string } }>;
    };
    const id = items.find((a) => a.unit.code === '61-DISKOMINFO')!.id;
    const { items: evidence } = (await operatorApi('GET', '/api/units/61-DISKOMINFO/evidence')) as {
      items: Array<{ id: string }>;
    };
    const tree = (await operatorApi('GET', `/api/assessments/${id}/instrument`)) as {
      applicableIndicators: string[];
      content: { nodes: unknown[] };
    };
    const metricValues = new Map<string, string>();
    const walk = (nodes: unknown[]) => {
      for (const n of nodes as Array<{
        code: string;
        kind?: string;
        thresholds?: string[];
        children?: unknown[];
      }>) {
        if (n.children) walk(n.children);
        else if (n.kind === 'metric') metricValues.set(n.code, String(n.thresholds![2]));
      }
    };
    walk(tree.content.nodes);
    const detail = (await operatorApi('GET', `/api/assessments/${id}`)) as {
      responses: Array<{ indicatorCode: string; version: number }>;
    };
    const versions = new Map(detail.responses.map((r) => [r.indicatorCode, r.version]));
    // Every indicator answered over HTTP except INF-02, which the operator does on screen.
    for (const code of tree.applicableIndicators) {
      if (code === 'INF-02') continue;
      await operatorApi('PUT', `/api/assessments/${id}/responses/${code}`, {
        ...(metricValues.has(code) ? { metricValue: metricValues.get(code) } : { level: 3 }),
        justification: 'Diisi untuk uji perjalanan e2e.',
        evidenceIds: evidence.slice(0, 1).map((e) => e.id),
        expectedVersion: versions.get(code) ?? 0,
      });
    }

    // The operator answers the last indicator on screen, uploads its evidence (a PDF) and submits.
    const op = await openPage(browser);
    try {
      await signIn(op.page, 'operator.diskominfo@mercusuar.test');
      await op.page.goto(`/penilaian/${id}?indikator=INF-02`);
      await heading(op.page, /^INF-02/, 2).waitFor();
      const form = op.page.getByTestId('indicator-form');
      await form.getByLabel(/^Nilai terukur/).fill('99,5');
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      await form.getByTestId('save-status').getByText('Tersimpan').waitFor();
      await form.getByLabel('Berkas bukti').setInputFiles({
        name: 'laporan-kecepatan-internet.pdf',
        mimeType: 'application/pdf',
        buffer: samplePdf('Laporan uji kecepatan internet (uji e2e)'),
      });
      await form.getByLabel('Judul berkas').fill('Laporan uji kecepatan internet (e2e)');
      await form.getByRole('button', { name: 'Unggah dan lampirkan' }).click();
      await form.getByTestId('upload-done').waitFor();
      await form.getByTestId('save-status').getByText('Tersimpan').waitFor();
      expect(
        await form.getByRole('checkbox', { name: 'Laporan uji kecepatan internet (e2e)' }).isChecked(),
      ).toBe(true);
      await op.page.getByRole('button', { name: 'Kirim penilaian' }).click();
      await op.page.getByTestId('flash').getByText('Penilaian telah dikirim.').waitFor();
      op.assertNoErrors();
    } finally {
      await op.close();
    }

    // The assessor lowers INF-04 from 3 to 2 on screen, then returns INF-02.
    const as = await openPage(browser);
    try {
      await signIn(as.page, 'asesor@mercusuar.test');
      await as.page.goto(`/verifikasi/${id}`);
      const item = as.page.getByTestId('review-INF-04');
      await item.getByLabel('Tingkat terverifikasi').selectOption('2');
      await item.getByLabel('Alasan').selectOption('bukti_tidak_memadai');
      await item.getByRole('button', { name: 'Simpan verifikasi' }).click();
      await item.getByText('Verifikasi tersimpan').waitFor();
      await screenshot(as.page, 'review');
      await as.page.getByLabel(/^INF-02/).check();
      await as.page.getByLabel('Pesan untuk unit').fill('Lampirkan hasil uji kecepatan bulanan.');
      await as.page.getByRole('button', { name: 'Kembalikan' }).click();
      await as.page.getByTestId('flash').getByText('Penilaian dikembalikan ke unit.').waitFor();
      as.assertNoErrors();
    } finally {
      await as.close();
    }
    const returned = (await assessorApi('GET', `/api/assessments/${id}`)) as { state: string };
    expect(returned.state).toBe('returned');

    // The operator fixes the returned indicator and submits again.
    const op2 = await openPage(browser);
    try {
      await signIn(op2.page, 'operator.diskominfo@mercusuar.test');
      await op2.page.goto(`/penilaian/${id}?indikator=INF-02`);
      await op2.page.getByText('Dikembalikan oleh asesor').waitFor();
      await op2.page.getByLabel(/^Nilai terukur/).fill('99,9');
      await op2.page.getByRole('button', { name: 'Simpan jawaban' }).click();
      await op2.page.getByTestId('save-status').getByText('Tersimpan').waitFor();
      await op2.page.getByRole('button', { name: 'Kirim penilaian' }).click();
      await op2.page.getByTestId('flash').getByText('Penilaian telah dikirim.').waitFor();
      op2.assertNoErrors();
    } finally {
      await op2.close();
    }

    // The assessor verifies the rest (arranged over HTTP) and completes the verification on screen.
    const resubmitted = (await assessorApi('GET', `/api/assessments/${id}`)) as {
      state: string;
      responses: Array<{ indicatorCode: string; level: number | null; metricValue: string | null }>;
      verifications: Array<{ indicatorCode: string; version: number; stale: boolean; level: number | null }>;
    };
    expect(resubmitted.state).toBe('resubmitted');
    expect(resubmitted.verifications.find((v) => v.indicatorCode === 'INF-04')?.level).toBe(2);
    for (const r of resubmitted.responses) {
      const v = resubmitted.verifications.find((x) => x.indicatorCode === r.indicatorCode);
      if (v && !v.stale) continue;
      await assessorApi('PUT', `/api/assessments/${id}/verifications/${r.indicatorCode}`, {
        ...(r.metricValue !== null ? { metricValue: r.metricValue } : { level: r.level }),
        reasonCode: 'sesuai',
        stage: 'dokumen',
        expectedVersion: v?.version ?? 0,
      });
    }
    const as2 = await openPage(browser);
    try {
      await signIn(as2.page, 'asesor@mercusuar.test');
      await as2.page.goto(`/verifikasi/${id}`);
      await as2.page.getByRole('button', { name: 'Selesaikan verifikasi' }).click();
      await as2.page.getByTestId('flash').getByText('Verifikasi selesai.').waitFor();
      as2.assertNoErrors();
    } finally {
      await as2.close();
    }

    // The coordinator finalises it from the progress board, then publishes the cycle.
    const co = await openPage(browser);
    try {
      await signIn(co.page, 'koordinator@mercusuar.test');
      await co.page.goto('/admin/siklus');
      await heading(co.page, 'Siklus evaluasi').waitFor();
      await co.page.getByLabel('Siklus', { exact: true }).selectOption(cycle.id);
      const row = co.page.locator('tbody tr').filter({ hasText: 'Dinas Komunikasi dan Informatika' });
      await row.getByRole('button', { name: 'Finalisasi' }).click();
      await co.page
        .getByTestId('flash')
        .getByText(/difinalisasi/)
        .waitFor();
      await screenshot(co.page, 'cycles-board');
      const cycleRow = co.page.locator('tbody tr').filter({ hasText: cycleName });
      await cycleRow.getByRole('button', { name: 'Publikasikan' }).click();
      await co.page.getByTestId('flash').getByText('Siklus dipublikasikan.').waitFor();
      co.assertNoErrors();
    } finally {
      await co.close();
    }
    const results = (await coordinatorApi('GET', `/api/cycles/${cycle.id}/results`)) as {
      cycle: { status: string };
      units: Array<{ unit: { code: string }; verifiedIndex: string; selfIndex: string; predicate: string }>;
    };
    expect(results.cycle.status).toBe('published');
    const mine = results.units.find((u) => u.unit.code === '61-DISKOMINFO')!;
    // The lowered level shows: verified below self.
    expect(Number(mine.verifiedIndex)).toBeLessThan(Number(mine.selfIndex));

    // Anyone, without signing in, sees the unit's index and predicate on the public page.
    const pub = await openPage(browser);
    try {
      await pub.page.goto(`/hasil/${cycle.id}`);
      await heading(pub.page, cycleName).waitFor();
      const unitRow = pub.page.locator('tr').filter({ hasText: 'Dinas Komunikasi dan Informatika' }).first();
      const text = await textOf(unitRow);
      expect(text).toContain(mine.verifiedIndex.replace('.', ','));
      expect(text).toContain(mine.predicate);
      await screenshot(pub.page, 'public-results-published');
      pub.assertNoErrors();
    } finally {
      await pub.close();
    }

    // The leader's dashboard ranks the unit in the newly published cycle.
    const lead = await openPage(browser);
    try {
      await signIn(lead.page, 'gubernur@mercusuar.test');
      await lead.page.goto(`/dasbor?siklus=${cycle.id}`);
      await heading(lead.page, 'Dasbor pimpinan').waitFor();
      const first = lead.page
        .getByTestId('ranking-table')
        .locator('tbody tr')
        .filter({ hasText: 'Dinas Komunikasi dan Informatika' })
        .first();
      await first.waitFor();
      const cells = (await first.locator('td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
      expect(cells[0]).toBe('1');
      expect(cells.join(' ')).toContain('Dinas Komunikasi dan Informatika');
      expect(cells.join(' ')).toContain(mine.verifiedIndex.replace('.', ','));
      await screenshot(lead.page, 'dashboard-published-cycle');
      lead.assertNoErrors();
    } finally {
      await lead.close();
    }
  });
});
