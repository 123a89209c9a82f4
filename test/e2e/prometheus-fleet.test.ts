// Issue 9's last proof: a real Prometheus scrapes the operator while it runs a converged fleet of
// every kind (four simulated Pis, a SlurmPartition, a GlusterVolume, a MinioPool), with the
// PrometheusRule's groups loaded. After a Slurm job and a Gluster write/read, every dashboard
// panel query and every alert query is evaluated through Prometheus's HTTP API: each must parse,
// and each panel query that describes the fleet must return data. The few that cannot have data
// here are listed below with the reason, and the test fails if one of them unexpectedly has data
// or if any query not listed is empty — so the list cannot quietly grow.
// Two operator replicas run (as the Deployment ships them) and Prometheus scrapes both through
// the scrape job the Prometheus Operator makes of the shipped ServiceMonitor (its target labels,
// its honorLabels): every Pi, volume, partition and pool is counted once, under its own namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultFleet } from './converged-fleet.ts';
import { labelValuesVariables, panelQueries, resolveVariables } from '../manifests/dashboard-queries.ts';
import {
  hasData,
  prometheusRuleGroups,
  serviceMonitorScrape,
  startPrometheus,
  until,
  type PrometheusServer,
} from '../manifests/prometheus-server.ts';
import { promqlNames } from '../manifests/promql-names.ts';

const SCRAPE_SECONDS = 1;

// What the metrics must say about this fleet (the fixture: four Pis, Slurm compute on pi1–pi3,
// a replica-3 volume on pi1–pi3, a MinIO pool on all four with one drive each), so "returns
// data" means the right data, not any series.
const FLEET_FACTS: [query: string, value: number][] = [
  ['sum(bramble_node_up)', 4],
  ['count(bramble_node_memory_bytes > 0)', 4],
  ['count(bramble_node_disk_free_bytes > 0 and bramble_node_disk_free_bytes < bramble_node_disk_bytes)', 4],
  ['sum(bramble_slurm_nodes{state="total"})', 3],
  ['sum(bramble_slurm_nodes{state=~"idle|allocated|mixed"})', 3],
  ['sum(bramble_gluster_volume_up)', 1],
  ['sum(bramble_gluster_bricks_online)', 3],
  ['sum(bramble_gluster_bricks)', 3],
  ['sum(bramble_gluster_heal_pending_entries)', 0],
  ['sum(bramble_minio_healthy)', 1],
  ['sum(bramble_minio_nodes)', 4],
  ['sum(bramble_minio_nodes_online)', 4],
  ['sum(bramble_minio_drives_online)', 4],
];
// Each kind's controller reconciled since Prometheus started (a converged object's reconcile
// ends with its resync scheduled, counted as requeue_after as in controller-runtime).
const EVERY_CONTROLLER_RECONCILED =
  'count(sum by (controller) (increase(controller_runtime_reconcile_total{result!="error"}[5m])) > 0) == 4';

// The simulated Pis are amd64 network namespaces on a PC: no SoC thermal zone and no
// `vcgencmd`, so bramble observes no temperature and no firmware throttling flags and (rightly)
// exports no series for them. On a real Pi these have data; the reconciler unit tests prove the
// parsing of both.
const PI_ONLY = 'Pi-only fact (SoC thermal zone / vcgencmd get_throttled), absent on the amd64 simulated Pis';
const EXPECTED_EMPTY_PANELS: Record<string, string> = {
  'bramble_node_temperature_celsius{namespace=~"$namespace"}': PI_ONLY,
  'bramble_node_throttled{namespace=~"$namespace",flag=~".*-now"}': PI_ONLY,
  'sum by (pinode) (bramble_node_throttled{namespace=~"$namespace",flag=~".*-occurred"})': PI_ONLY,
  // Health (issue 21): SD cards and the simulated Pis report no eMMC wear; a healthy fleet has
  // nothing in its history; the writes-per-day estimate waits for an hour of uptime.
  'bramble_node_emmc_life_time_level{namespace=~"$namespace"}': 'eMMC-only fact (life_time), absent on SD cards and the simulated Pis',
  'bramble_node_emmc_pre_eol_level{namespace=~"$namespace"}': 'eMMC-only fact (pre_eol_info), absent on SD cards and the simulated Pis',
  'bramble_node_health_problem_boots{namespace=~"$namespace"}': 'a healthy fleet has no power or storage problem in its history',
  'bramble_node_disk_written_bytes_per_day{namespace=~"$namespace"}': 'estimated once a Pi has been up an hour; the test fleet is younger',
};
// Metrics an alert may name that have no series here, for the reasons above.
const EXPECTED_ABSENT_METRICS: Record<string, string> = {
  bramble_node_temperature_celsius: PI_ONLY,
  bramble_node_throttled: PI_ONLY,
};

/**
 * The series an alert expression compares (`A > 75`, `A / B < 0.1`, `max by (…) (A) == 1`):
 * the expression with its last top-level comparison against a number dropped.
 */
function alertSeries(expr: string): string {
  return expr.replace(/\s*(==|!=|>=|<=|>|<)\s*-?[\d.]+\s*$/, '');
}

// Grafana's built-in interval variables, as it would fill them for a short time range with this
// scrape interval ($__rate_interval is at least four scrape intervals).
const GRAFANA_INTERVALS = { __rate_interval: ['1m'], __interval: ['15s'], __range: ['5m'] };

void test(
  'Prometheus over a converged fleet: every panel and alert query parses; every panel describing the fleet has data',
  { timeout: 900_000 },
  async () => {
    const promDir = mkdtempSync(join(tmpdir(), 'bramble-promfleet-'));
    let ff: FaultFleet | undefined;
    let prom: PrometheusServer | undefined;
    try {
      ff = await FaultFleet.start({ name: 'promfleet', subnet: '10.213.51.0/24', resyncMs: 5_000, operators: 2, leaderElect: true });
      const fleet = ff;
      const pods = [...fleet.operatorPorts].map(([name, ports]) => ({ pod: `bramble-${name}`, address: `127.0.0.1:${ports.metrics}` }));
      assert.equal(pods.length, 2);
      prom = await startPrometheus(promDir, serviceMonitorScrape(pods), SCRAPE_SECONDS);
      const server = prom;
      const diagnostics = () => `${server.output().slice(-4000)}\n${fleet.logs().slice(-4000)}`;

      // Work on the fleet, so its panels describe something that happened: a Slurm job on three
      // nodes, a batch job that is still running when the operator next observes the partition,
      // and a file written through the Gluster mount on one Pi and read on another.
      const hosts = (await fleet.onNode('pi0', 'timeout 90 srun -N3 hostname', 100_000)).split('\n').sort();
      assert.deepEqual(hosts, ['pi1', 'pi2', 'pi3']);
      await fleet.onNode('pi0', "sbatch --parsable -N1 -o /dev/null --wrap 'sleep 30'");
      await fleet.onNode('pi0', 'echo "written on pi0" > /mnt/shared/promfleet.txt');
      assert.equal(await fleet.onNode('pi2', 'cat /mnt/shared/promfleet.txt'), 'written on pi0');
      await until(
        'Prometheus has seen the running batch job',
        120_000,
        async () => hasData(await server.query('bramble_slurm_jobs{state="running"} >= 1')),
        diagnostics,
      );
      // A few scrapes after every kind reported, and a reconcile of every kind since Prometheus
      // started, so rate() and increase() over the panels' windows have samples.
      await until(
        'several scrapes of every kind',
        120_000,
        async () => {
          const r = await server.query(
            'count_over_time(bramble_minio_healthy[1m]) >= 5 and on() count_over_time(bramble_gluster_bricks_online[1m]) >= 5',
          );
          return hasData(r);
        },
        diagnostics,
      );
      await until(
        'a reconcile of every kind seen by Prometheus',
        180_000,
        async () => hasData(await server.query(EVERY_CONTROLLER_RECONCILED)),
        async () =>
          `${JSON.stringify((await server.query('sum by (controller, result) (increase(controller_runtime_reconcile_total[5m]))')).data?.result)}\n${diagnostics()}`,
      );

      // Both replicas are scraped; one leads. Only the leader exports per-object series, so no
      // series of a bramble_ gauge exists twice once the scrape's own target labels are set aside,
      // and the namespace label is the object's (honorLabels), not the operator pod's.
      // A scrape can time out on a loaded machine; the next one counts.
      await until(
        'both replicas scraped',
        60_000,
        async () => Number((await server.query('count(up{job="bramble-metrics"} == 1)')).data?.result[0]?.value[1]) === 2,
        async () => `${JSON.stringify((await server.query('up{job="bramble-metrics"}')).data?.result)}\n${diagnostics()}`,
      );
      assert.equal(Number((await server.query('sum(leader_election_master_status)')).data?.result[0]?.value[1]), 1, 'one leader');
      // Aggregation drops __name__, so the name is copied into a label first.
      const doubled = await server.query(
        'count by (metric) (count without (instance, pod, container, endpoint, job, service) ' +
          '(label_replace({__name__=~"bramble_(node|slurm|gluster|minio)_.+"}, "metric", "$1", "__name__", "(.+)")) > 1)',
      );
      assert.equal(doubled.status, 'success', doubled.error);
      assert.deepEqual(
        doubled.data?.result.map((r) => r.metric.metric),
        [],
        'per-object series exported by one replica only',
      );
      const perObject = await server.query(
        'count(count without (instance, pod, container, endpoint, job, service) ' +
          '(label_replace({__name__=~"bramble_(node|slurm|gluster|minio)_.+"}, "metric", "$1", "__name__", "(.+)")))',
      );
      assert.ok(Number(perObject.data?.result[0]?.value[1]) > 20, 'the check above looked at the per-object series');
      assert.deepEqual(
        await server.labelValues('bramble_node_up', 'namespace'),
        ['default'],
        "the PiNodes' namespace, kept by honorLabels",
      );
      assert.deepEqual((await server.query('count by (namespace, pinode) (bramble_node_up) > 1')).data?.result, [], 'each Pi once');

      for (const [expr, want] of FLEET_FACTS) {
        const r = await server.query(expr);
        assert.equal(r.status, 'success', `${expr}: ${r.error}`);
        assert.equal(Number(r.data?.result[0]?.value[1]), want, `${expr}: ${JSON.stringify(r.data?.result)}`);
      }

      const values: Record<string, string[]> = { ...GRAFANA_INTERVALS };
      for (const v of labelValuesVariables()) {
        values[v.name] = await server.labelValues(v.metric, v.label);
        assert.ok(values[v.name]!.length > 0, `dashboard variable $${v.name} (label_values(${v.metric}, ${v.label})) has no values`);
      }

      const report: string[] = [];
      const failures: string[] = [];
      const queries = panelQueries();
      for (const { panel, expr } of queries) {
        const r = await server.query(resolveVariables(expr, values));
        assert.equal(r.status, 'success', `${panel}: ${expr}: ${r.error}`);
        const data = hasData(r);
        const expectedEmpty = EXPECTED_EMPTY_PANELS[expr];
        report.push(`${data ? 'data ' : 'empty'} ${String(r.data?.result.length ?? 0).padStart(3)}  ${panel}: ${expr}`);
        if (expectedEmpty !== undefined && data)
          failures.push(`${panel}: ${expr} is listed as expected-empty (${expectedEmpty}) but returned data`);
        if (expectedEmpty === undefined && !data) failures.push(`${panel}: ${expr} returned no data`);
      }
      for (const listed of Object.keys(EXPECTED_EMPTY_PANELS)) {
        assert.ok(
          queries.some((q) => q.expr === listed),
          `expected-empty entry matches no dashboard query: ${listed}`,
        );
      }

      // Alerts describe faults (a Pi unreachable, heal pending, nodes down, …), so in this healthy
      // run none fires and most evaluate to nothing: each must parse and evaluate, and each metric
      // it names must have series here, so a misspelt metric cannot leave an alert silently empty.
      // Whatever an alert would fire on, it fires once per object: each alert's expression with
      // its comparison dropped (the series it would alert on) has no label set twice.
      const seriesOf = new Map<string, boolean>();
      for (const rule of prometheusRuleGroups().flatMap((g) => g.rules)) {
        const r = await server.query(rule.expr);
        assert.equal(r.status, 'success', `${rule.alert}: ${rule.expr}: ${r.error}`);
        report.push(`alert ${String(r.data?.result.length ?? 0).padStart(3)}  ${rule.alert}: ${rule.expr}`);
        const candidates = await server.query(
          `count by (__name__) (count without (instance, pod, container, endpoint, job, service) (${alertSeries(rule.expr)}) > 1)`,
        );
        assert.equal(candidates.status, 'success', `${rule.alert}: ${alertSeries(rule.expr)}: ${candidates.error}`);
        if (hasData(candidates))
          failures.push(`${rule.alert}: the series it alerts on exist once per replica: ${JSON.stringify(candidates.data?.result)}`);
        for (const metric of promqlNames(rule.expr).metrics) {
          if (!seriesOf.has(metric)) seriesOf.set(metric, hasData(await server.query(`count(${metric})`)));
          const absent = EXPECTED_ABSENT_METRICS[metric];
          if (absent !== undefined && seriesOf.get(metric))
            failures.push(`${rule.alert}: ${metric} is listed as absent (${absent}) but has series`);
          if (absent === undefined && !seriesOf.get(metric)) failures.push(`${rule.alert}: ${metric} has no series`);
        }
      }
      process.stderr.write(
        `prometheus-fleet: ${queries.length} panel queries, namespace=${values.namespace?.join('|')}\n${report.join('\n')}\n`,
      );
      assert.deepEqual(failures, []);

      // The rules are loaded and evaluated, and in a converged fleet nothing is pending or firing.
      const rules = (await (await fetch(`${server.base}/api/v1/rules`)).json()) as {
        data: { groups: { rules: { name: string; health: string; state: string }[] }[] };
      };
      const loaded = rules.data.groups.flatMap((g) => g.rules);
      assert.equal(loaded.length, prometheusRuleGroups().flatMap((g) => g.rules).length);
      assert.deepEqual(
        loaded.filter((x) => x.health !== 'ok' || x.state !== 'inactive').map((x) => `${x.name}: ${x.health}/${x.state}`),
        [],
      );
    } finally {
      await prom?.stop();
      await ff?.close();
      rmSync(promDir, { recursive: true, force: true });
    }
  },
);
