
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-cinc_scan' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-cinc_scan'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-cinc_scan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the targets (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the targets (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. -l app=web,tier!=cache')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. -l app=web,tier!=cache')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Container to scan, an app container or a running init container (repeatable; default: every app container and native sidecar)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Container to scan, an app container or a running init container (repeatable; default: every app container and native sidecar)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to run: a YAML file, a directory of them, or builtin:NAME (repeatable; default: builtin:container-baseline)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Also write one HDF JSON file per container into this directory')
            [CompletionResult]::new('--report-mode', '--report-mode', [CompletionResultType]::ParameterName, 'File mode of --report and --output-dir files, in octal [default: 0600: findings are sensitive]')
            [CompletionResult]::new('--access', '--access', [CompletionResultType]::ParameterName, 'How to reach the container''s filesystem')
            [CompletionResult]::new('--debug-image', '--debug-image', [CompletionResultType]::ParameterName, 'Image of the ephemeral debug container for containers without a shell (needs sh, find, stat, xargs, head; mirror it into your registry for air-gapped clusters)')
            [CompletionResult]::new('--debug-pull-policy', '--debug-pull-policy', [CompletionResultType]::ParameterName, 'Pull policy of the debug image')
            [CompletionResult]::new('--debug-ttl', '--debug-ttl', [CompletionResultType]::ParameterName, 'How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)')
            [CompletionResult]::new('--debug-profile', '--debug-profile', [CompletionResultType]::ParameterName, 'Security profile of the debug container (kubectl debug''s meanings; auto picks the least privilege that can read the target)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)')
            [CompletionResult]::new('--token-duration', '--token-duration', [CompletionResultType]::ParameterName, 'How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each container, e.g. 90s, 2m (0 for none)')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Time limit for the whole run: finding the targets, permission checks and every container (0 for none); containers not finished by then are reported as errors')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit for one API request until its answer starts, and for silence within an answer (kubectl''s flag; 0 for none). Failed requests are retried with backoff')
            [CompletionResult]::new('--qps', '--qps', [CompletionResultType]::ParameterName, 'Client-side limit of API requests per second (kubectl''s default; 0 for none)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once above --qps')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log level on stderr, like kubectl: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents')
            [CompletionResult]::new('--verbosity', '--verbosity', [CompletionResultType]::ParameterName, 'Log level on stderr, like kubectl: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log format for -v: text, or json (one object per line, for CI log collectors)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many containers to scan at once')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80, failed.critical.max: 0}''')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report file: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)')
            [CompletionResult]::new('--post-results', '--post-results', [CompletionResultType]::ParameterName, 'POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--post-token-env', '--post-token-env', [CompletionResultType]::ParameterName, 'Environment variable that holds the bearer token for --post-results [default: CINC_SCAN_POST_TOKEN, if set]')
            [CompletionResult]::new('--post-token-file', '--post-token-file', [CompletionResultType]::ParameterName, 'File that holds the bearer token for --post-results')
            [CompletionResult]::new('--post-ca-file', '--post-ca-file', [CompletionResultType]::ParameterName, 'PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and --alert-webhook (instead of the system''s)')
            [CompletionResult]::new('--post-timeout', '--post-timeout', [CompletionResultType]::ParameterName, 'Time limit for each request to --post-results, --pushgateway, --alertmanager or --alert-webhook, e.g. 30s')
            [CompletionResult]::new('--post-retries', '--post-retries', [CompletionResultType]::ParameterName, 'Retries of each such request after a 5xx, 429 or connection error (with backoff and jitter, or the server''s Retry-After)')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics of the run to this file (atomically; for node_exporter''s textfile collector, name it *.prom)')
            [CompletionResult]::new('--metrics-format', '--metrics-format', [CompletionResultType]::ParameterName, 'Format of --metrics-file: Prometheus text 0.0.4, or OpenMetrics 1.0')
            [CompletionResult]::new('--extra-label', '--extra-label', [CompletionResultType]::ParameterName, 'Add a label to every metric and alert, e.g. cluster=prod (repeatable)')
            [CompletionResult]::new('--pushgateway', '--pushgateway', [CompletionResultType]::ParameterName, 'PUT the metrics to this Prometheus Pushgateway (http(s)://host:9091) after the scan; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--pushgateway-job', '--pushgateway-job', [CompletionResultType]::ParameterName, 'The job of the Pushgateway grouping key')
            [CompletionResult]::new('--pushgateway-group', '--pushgateway-group', [CompletionResultType]::ParameterName, 'A label of the Pushgateway grouping key (repeatable) [default: instance=<the kubeconfig context; in-cluster inside a pod; the host name for --root>]')
            [CompletionResult]::new('--pushgateway-token-env', '--pushgateway-token-env', [CompletionResultType]::ParameterName, 'Environment variable with a bearer token for --pushgateway [default: CINC_SCAN_PUSHGATEWAY_TOKEN, if set]')
            [CompletionResult]::new('--pushgateway-token-file', '--pushgateway-token-file', [CompletionResultType]::ParameterName, 'File with a bearer token for --pushgateway')
            [CompletionResult]::new('--pushgateway-basic-auth-file', '--pushgateway-basic-auth-file', [CompletionResultType]::ParameterName, 'File with USER:PASSWORD for basic auth to --pushgateway')
            [CompletionResult]::new('--pushgateway-basic-auth-env', '--pushgateway-basic-auth-env', [CompletionResultType]::ParameterName, 'Environment variable with USER:PASSWORD for basic auth to --pushgateway')
            [CompletionResult]::new('--alert-on', '--alert-on', [CompletionResultType]::ParameterName, 'Alert on failed controls of this severity or higher')
            [CompletionResult]::new('--alert-expire-after', '--alert-expire-after', [CompletionResultType]::ParameterName, 'How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above the time between scans')
            [CompletionResult]::new('--alertmanager', '--alertmanager', [CompletionResultType]::ParameterName, 'POST alerts for failed controls and violated thresholds to this Alertmanager (http(s)://host:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--alertmanager-token-env', '--alertmanager-token-env', [CompletionResultType]::ParameterName, 'Environment variable with a bearer token for --alertmanager [default: CINC_SCAN_ALERTMANAGER_TOKEN, if set]')
            [CompletionResult]::new('--alertmanager-token-file', '--alertmanager-token-file', [CompletionResultType]::ParameterName, 'File with a bearer token for --alertmanager')
            [CompletionResult]::new('--alertmanager-basic-auth-file', '--alertmanager-basic-auth-file', [CompletionResultType]::ParameterName, 'File with USER:PASSWORD for basic auth to --alertmanager')
            [CompletionResult]::new('--alertmanager-basic-auth-env', '--alertmanager-basic-auth-env', [CompletionResultType]::ParameterName, 'Environment variable with USER:PASSWORD for basic auth to --alertmanager')
            [CompletionResult]::new('--alert-webhook', '--alert-webhook', [CompletionResultType]::ParameterName, 'POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--alert-format', '--alert-format', [CompletionResultType]::ParameterName, 'Body of --alert-webhook: one JSON document per run, one CloudEvents 1.0 event (structured mode) per alert, or one Slack incoming-webhook message per run')
            [CompletionResult]::new('--alert-webhook-token-env', '--alert-webhook-token-env', [CompletionResultType]::ParameterName, 'Environment variable with a bearer token for --alert-webhook [default: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set]')
            [CompletionResult]::new('--alert-webhook-token-file', '--alert-webhook-token-file', [CompletionResultType]::ParameterName, 'File with a bearer token for --alert-webhook')
            [CompletionResult]::new('--alert-state', '--alert-state', [CompletionResultType]::ParameterName, 'JSON file (0600) of the alerts that were firing: with it, controls that pass again send resolved alerts')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'With -f DIR, read its subdirectories too')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'With -f DIR, read its subdirectories too')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look for pods in every namespace (with -l, --all, or alone)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look for pods in every namespace (with -l, --all, or alone)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Scan every pod of the namespace')
            [CompletionResult]::new('--ephemeral-identity', '--ephemeral-identity', [CompletionResultType]::ParameterName, 'Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results: no progress, no notes on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results: no progress, no notes on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Do not draw progress bars')
            [CompletionResult]::new('--metrics-per-control', '--metrics-per-control', [CompletionResultType]::ParameterName, 'Also one series per control (cinc_scan_control_status) in --metrics-file and --pushgateway: many more series')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List, show or describe profiles')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege ServiceAccount, Role and binding a scan needs')
            [CompletionResult]::new('job', 'job', [CompletionResultType]::ParameterValue, 'Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or delete it')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)')
            [CompletionResult]::new('sidecar', 'sidecar', [CompletionResultType]::ParameterValue, 'Scan from inside the pod: inject a scanner sidecar into manifests, fetch its results')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;profiles' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in profiles (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in profile''s YAML, or check a profile file and list its controls')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the profile format')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;profiles;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;profiles;show' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;profiles;schema' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;profiles;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in profiles (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in profile''s YAML, or check a profile file and list its controls')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the profile format')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;profiles;help;list' {
            break
        }
        'kubectl-cinc_scan;profiles;help;show' {
            break
        }
        'kubectl-cinc_scan;profiles;help;schema' {
            break
        }
        'kubectl-cinc_scan;profiles;help;help' {
            break
        }
        'kubectl-cinc_scan;completion' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;rbac' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount and Role (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount and Role (default: the context''s namespace)')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Name of the ServiceAccount to bind')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read the context''s namespace from')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context whose namespace is the default')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'A ClusterRole, for scans in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'A ClusterRole, for scans in every namespace')
            [CompletionResult]::new('--no-debug', '--no-debug', [CompletionResultType]::ParameterName, 'Leave out patch on pods/ephemeralcontainers (no distroless scans)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;job' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--target-namespace', '--target-namespace', [CompletionResultType]::ParameterName, 'Namespace whose pods the Job scans (repeatable; default: the Job''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector of the pods to scan, e.g. -l app=web')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector of the pods to scan, e.g. -l app=web')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Container to scan in each pod (repeatable; default: every app container)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Container to scan in each pod (repeatable; default: every app container)')
            [CompletionResult]::new('--shards', '--shards', [CompletionResultType]::ParameterName, 'Number of shards: the Job''s completions and (unless --parallelism) parallelism')
            [CompletionResult]::new('--parallelism', '--parallelism', [CompletionResultType]::ParameterName, 'How many shards run at once (default: all of them)')
            [CompletionResult]::new('--retries-per-shard', '--retries-per-shard', [CompletionResultType]::ParameterName, 'Retries of a failed shard (per index, backoffLimitPerIndex)')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Time limit of the whole Job (activeDeadlineSeconds), e.g. 30m, 2h')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Run on a schedule: a CronJob with this cron expression, e.g. ''0 2 * * *''')
            [CompletionResult]::new('--time-zone', '--time-zone', [CompletionResultType]::ParameterName, 'Time zone of --schedule (IANA name, e.g. Europe/Berlin; default: the controller''s)')
            [CompletionResult]::new('--starting-deadline', '--starting-deadline', [CompletionResultType]::ParameterName, 'How late a scheduled run may still start (startingDeadlineSeconds)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The scanner image: the plugin''s static binary at /kubectl-cinc_scan')
            [CompletionResult]::new('--image-pull-policy', '--image-pull-policy', [CompletionResultType]::ParameterName, 'Pull policy of the scanner image')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Built-in profile each shard runs (repeatable; builtin:NAME only: the pod has no files)')
            [CompletionResult]::new('--access', '--access', [CompletionResultType]::ParameterName, 'How each shard reaches a container''s filesystem (exec: no debug permission)')
            [CompletionResult]::new('--debug-image', '--debug-image', [CompletionResultType]::ParameterName, 'Image of the ephemeral debug container for distroless targets')
            [CompletionResult]::new('--debug-pull-policy', '--debug-pull-policy', [CompletionResultType]::ParameterName, 'Pull policy of the debug image')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each container, e.g. 90s, 2m')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many containers each shard scans at once')
            [CompletionResult]::new('--post-results', '--post-results', [CompletionResultType]::ParameterName, 'Each shard POSTs its HDF documents to this URL (reachable from the pods)')
            [CompletionResult]::new('--post-token-secret', '--post-token-secret', [CompletionResultType]::ParameterName, 'A Secret (in the Job''s namespace) whose key `token` is the bearer token for --post-results (mounted read-only, never in the pod''s environment)')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Pods listed per LIST request')
            [CompletionResult]::new('--linger', '--linger', [CompletionResultType]::ParameterName, 'Each shard stays alive this long after its scan (hidden: to test a schedule''s overlap)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Scan pods in every namespace (a ClusterRole instead of Roles)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Scan pods in every namespace (a ClusterRole instead of Roles)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Create the objects now (server-side apply) instead of printing them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)')
            [CompletionResult]::new('results', 'results', [CompletionResultType]::ParameterValue, 'Merge a Job''s shard results from its pods'' logs and print them like a local scan')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete every object `kubectl cinc-scan job` made for NAME')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;job;run' {
            [CompletionResult]::new('--shard-index', '--shard-index', [CompletionResultType]::ParameterName, 'This shard''s index, 0..N-1 (the Job controller sets JOB_COMPLETION_INDEX)')
            [CompletionResult]::new('--shards', '--shards', [CompletionResultType]::ParameterName, 'Number of shards')
            [CompletionResult]::new('--target-namespace', '--target-namespace', [CompletionResultType]::ParameterName, 'Namespace to scan (repeatable; with neither this nor -A: the context''s namespace)')
            [CompletionResult]::new('--job-name', '--job-name', [CompletionResultType]::ParameterName, 'The Job''s name, written into the results')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Pods listed per LIST request')
            [CompletionResult]::new('--termination-log', '--termination-log', [CompletionResultType]::ParameterName, 'Write the shard''s summary here (the pod''s terminationMessagePath; "" for none)')
            [CompletionResult]::new('--linger', '--linger', [CompletionResultType]::ParameterName, 'Stay alive this long after the scan (keeps the pod''s slot, e.g. to test a schedule)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the targets (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the targets (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. -l app=web,tier!=cache')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. -l app=web,tier!=cache')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Container to scan, an app container or a running init container (repeatable; default: every app container and native sidecar)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Container to scan, an app container or a running init container (repeatable; default: every app container and native sidecar)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to run: a YAML file, a directory of them, or builtin:NAME (repeatable; default: builtin:container-baseline)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Also write one HDF JSON file per container into this directory')
            [CompletionResult]::new('--report-mode', '--report-mode', [CompletionResultType]::ParameterName, 'File mode of --report and --output-dir files, in octal [default: 0600: findings are sensitive]')
            [CompletionResult]::new('--access', '--access', [CompletionResultType]::ParameterName, 'How to reach the container''s filesystem')
            [CompletionResult]::new('--debug-image', '--debug-image', [CompletionResultType]::ParameterName, 'Image of the ephemeral debug container for containers without a shell (needs sh, find, stat, xargs, head; mirror it into your registry for air-gapped clusters)')
            [CompletionResult]::new('--debug-pull-policy', '--debug-pull-policy', [CompletionResultType]::ParameterName, 'Pull policy of the debug image')
            [CompletionResult]::new('--debug-ttl', '--debug-ttl', [CompletionResultType]::ParameterName, 'How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)')
            [CompletionResult]::new('--debug-profile', '--debug-profile', [CompletionResultType]::ParameterName, 'Security profile of the debug container (kubectl debug''s meanings; auto picks the least privilege that can read the target)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)')
            [CompletionResult]::new('--token-duration', '--token-duration', [CompletionResultType]::ParameterName, 'How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each container, e.g. 90s, 2m (0 for none)')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Time limit for the whole run: finding the targets, permission checks and every container (0 for none); containers not finished by then are reported as errors')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit for one API request until its answer starts, and for silence within an answer (kubectl''s flag; 0 for none). Failed requests are retried with backoff')
            [CompletionResult]::new('--qps', '--qps', [CompletionResultType]::ParameterName, 'Client-side limit of API requests per second (kubectl''s default; 0 for none)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once above --qps')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log level on stderr, like kubectl: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents')
            [CompletionResult]::new('--verbosity', '--verbosity', [CompletionResultType]::ParameterName, 'Log level on stderr, like kubectl: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log format for -v: text, or json (one object per line, for CI log collectors)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many containers to scan at once')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80, failed.critical.max: 0}''')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report file: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)')
            [CompletionResult]::new('--post-results', '--post-results', [CompletionResultType]::ParameterName, 'POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--post-token-env', '--post-token-env', [CompletionResultType]::ParameterName, 'Environment variable that holds the bearer token for --post-results [default: CINC_SCAN_POST_TOKEN, if set]')
            [CompletionResult]::new('--post-token-file', '--post-token-file', [CompletionResultType]::ParameterName, 'File that holds the bearer token for --post-results')
            [CompletionResult]::new('--post-ca-file', '--post-ca-file', [CompletionResultType]::ParameterName, 'PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and --alert-webhook (instead of the system''s)')
            [CompletionResult]::new('--post-timeout', '--post-timeout', [CompletionResultType]::ParameterName, 'Time limit for each request to --post-results, --pushgateway, --alertmanager or --alert-webhook, e.g. 30s')
            [CompletionResult]::new('--post-retries', '--post-retries', [CompletionResultType]::ParameterName, 'Retries of each such request after a 5xx, 429 or connection error (with backoff and jitter, or the server''s Retry-After)')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics of the run to this file (atomically; for node_exporter''s textfile collector, name it *.prom)')
            [CompletionResult]::new('--metrics-format', '--metrics-format', [CompletionResultType]::ParameterName, 'Format of --metrics-file: Prometheus text 0.0.4, or OpenMetrics 1.0')
            [CompletionResult]::new('--extra-label', '--extra-label', [CompletionResultType]::ParameterName, 'Add a label to every metric and alert, e.g. cluster=prod (repeatable)')
            [CompletionResult]::new('--pushgateway', '--pushgateway', [CompletionResultType]::ParameterName, 'PUT the metrics to this Prometheus Pushgateway (http(s)://host:9091) after the scan; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--pushgateway-job', '--pushgateway-job', [CompletionResultType]::ParameterName, 'The job of the Pushgateway grouping key')
            [CompletionResult]::new('--pushgateway-group', '--pushgateway-group', [CompletionResultType]::ParameterName, 'A label of the Pushgateway grouping key (repeatable) [default: instance=<the kubeconfig context; in-cluster inside a pod; the host name for --root>]')
            [CompletionResult]::new('--pushgateway-token-env', '--pushgateway-token-env', [CompletionResultType]::ParameterName, 'Environment variable with a bearer token for --pushgateway [default: CINC_SCAN_PUSHGATEWAY_TOKEN, if set]')
            [CompletionResult]::new('--pushgateway-token-file', '--pushgateway-token-file', [CompletionResultType]::ParameterName, 'File with a bearer token for --pushgateway')
            [CompletionResult]::new('--pushgateway-basic-auth-file', '--pushgateway-basic-auth-file', [CompletionResultType]::ParameterName, 'File with USER:PASSWORD for basic auth to --pushgateway')
            [CompletionResult]::new('--pushgateway-basic-auth-env', '--pushgateway-basic-auth-env', [CompletionResultType]::ParameterName, 'Environment variable with USER:PASSWORD for basic auth to --pushgateway')
            [CompletionResult]::new('--alert-on', '--alert-on', [CompletionResultType]::ParameterName, 'Alert on failed controls of this severity or higher')
            [CompletionResult]::new('--alert-expire-after', '--alert-expire-after', [CompletionResultType]::ParameterName, 'How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above the time between scans')
            [CompletionResult]::new('--alertmanager', '--alertmanager', [CompletionResultType]::ParameterName, 'POST alerts for failed controls and violated thresholds to this Alertmanager (http(s)://host:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--alertmanager-token-env', '--alertmanager-token-env', [CompletionResultType]::ParameterName, 'Environment variable with a bearer token for --alertmanager [default: CINC_SCAN_ALERTMANAGER_TOKEN, if set]')
            [CompletionResult]::new('--alertmanager-token-file', '--alertmanager-token-file', [CompletionResultType]::ParameterName, 'File with a bearer token for --alertmanager')
            [CompletionResult]::new('--alertmanager-basic-auth-file', '--alertmanager-basic-auth-file', [CompletionResultType]::ParameterName, 'File with USER:PASSWORD for basic auth to --alertmanager')
            [CompletionResult]::new('--alertmanager-basic-auth-env', '--alertmanager-basic-auth-env', [CompletionResultType]::ParameterName, 'Environment variable with USER:PASSWORD for basic auth to --alertmanager')
            [CompletionResult]::new('--alert-webhook', '--alert-webhook', [CompletionResultType]::ParameterName, 'POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--alert-format', '--alert-format', [CompletionResultType]::ParameterName, 'Body of --alert-webhook: one JSON document per run, one CloudEvents 1.0 event (structured mode) per alert, or one Slack incoming-webhook message per run')
            [CompletionResult]::new('--alert-webhook-token-env', '--alert-webhook-token-env', [CompletionResultType]::ParameterName, 'Environment variable with a bearer token for --alert-webhook [default: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set]')
            [CompletionResult]::new('--alert-webhook-token-file', '--alert-webhook-token-file', [CompletionResultType]::ParameterName, 'File with a bearer token for --alert-webhook')
            [CompletionResult]::new('--alert-state', '--alert-state', [CompletionResultType]::ParameterName, 'JSON file (0600) of the alerts that were firing: with it, controls that pass again send resolved alerts')
            [CompletionResult]::new('--no-stdout-results', '--no-stdout-results', [CompletionResultType]::ParameterName, 'Do not print the full results as framed gzip+base64 lines on stdout')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'With -f DIR, read its subdirectories too')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'With -f DIR, read its subdirectories too')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look for pods in every namespace (with -l, --all, or alone)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look for pods in every namespace (with -l, --all, or alone)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Scan every pod of the namespace')
            [CompletionResult]::new('--ephemeral-identity', '--ephemeral-identity', [CompletionResultType]::ParameterName, 'Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results: no progress, no notes on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results: no progress, no notes on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Do not draw progress bars')
            [CompletionResult]::new('--metrics-per-control', '--metrics-per-control', [CompletionResultType]::ParameterName, 'Also one series per control (cinc_scan_control_status) in --metrics-file and --pushgateway: many more series')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-cinc_scan;job;results' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Also write one HDF JSON file per container into this directory')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'SAF threshold file; exit code 3 if a container violates it')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80}''')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report file: FORMAT=PATH (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-cinc_scan;job;delete' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;job;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)')
            [CompletionResult]::new('results', 'results', [CompletionResultType]::ParameterValue, 'Merge a Job''s shard results from its pods'' logs and print them like a local scan')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete every object `kubectl cinc-scan job` made for NAME')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;job;help;run' {
            break
        }
        'kubectl-cinc_scan;job;help;results' {
            break
        }
        'kubectl-cinc_scan;job;help;delete' {
            break
        }
        'kubectl-cinc_scan;job;help;help' {
            break
        }
        'kubectl-cinc_scan;cleanup' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only this namespace (default: every namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only this namespace (default: every namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also remove leftovers that have not expired yet (a scan may still be using them)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be removed, remove nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;token' {
            [CompletionResult]::new('--write-kubeconfig', '--write-kubeconfig', [CompletionResultType]::ParameterName, 'Where to write the kubeconfig (mode 0600; the token is never printed)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long the token is valid (at least 10m)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (default: the context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig used to ask for the token')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;sidecar' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('inject', 'inject', [CompletionResultType]::ParameterValue, 'Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar')
            [CompletionResult]::new('results', 'results', [CompletionResultType]::ParameterValue, 'Fetch and print the sidecar''s latest results (through exec of the scanner binary)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'In-pod mode, run by the scanner container: scan the pod''s targets every --interval')
            [CompletionResult]::new('cat', 'cat', [CompletionResultType]::ParameterValue, 'In-pod mode: print the newest HDF document of each target, one per line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;sidecar;inject' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file to read (repeatable; `-` or none: stdin). YAML or JSON, multi-document')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file to read (repeatable; `-` or none: stdin). YAML or JSON, multi-document')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'App container to scan (repeatable; default: every app container of each pod)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'App container to scan (repeatable; default: every app container of each pod)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The scanner image (built from the repository''s Containerfile)')
            [CompletionResult]::new('--image-pull-policy', '--image-pull-policy', [CompletionResultType]::ParameterName, 'Pull policy of the scanner image')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two scans in the pod')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Results kept per target on the volume')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Built-in profile to run (repeatable, builtin:NAME; default: builtin:container-baseline)')
            [CompletionResult]::new('--profile-configmap', '--profile-configmap', [CompletionResultType]::ParameterName, 'ConfigMap whose keys are profile YAML files, mounted into the sidecar and run')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80}''; each log line says met/violated')
            [CompletionResult]::new('--threshold-configmap', '--threshold-configmap', [CompletionResultType]::ParameterName, 'ConfigMap with a key threshold.yml (a SAF threshold file), mounted into the sidecar')
            [CompletionResult]::new('--post-results', '--post-results', [CompletionResultType]::ParameterName, 'POST each result to this URL from the pod (same retries as a scan''s --post-results)')
            [CompletionResult]::new('--post-token-secret', '--post-token-secret', [CompletionResultType]::ParameterName, 'Secret and key holding the bearer token for --post-results: NAME/KEY (passed as an environment variable from the Secret, never in the manifest)')
            [CompletionResult]::new('--run-as-user', '--run-as-user', [CompletionResultType]::ParameterName, 'The uid the targets run as, when neither the pod nor the container securityContext says (the image''s USER: e.g. 65532 for distroless nonroot, 0 for root)')
            [CompletionResult]::new('--run-as-group', '--run-as-group', [CompletionResultType]::ParameterName, 'The gid the targets run as (default: their runAsGroup, else the same number as the uid)')
            [CompletionResult]::new('--results-size-limit', '--results-size-limit', [CompletionResultType]::ParameterName, 'Size limit of the emptyDir results volume')
            [CompletionResult]::new('--legacy-sidecar', '--legacy-sidecar', [CompletionResultType]::ParameterName, 'A plain container instead of a native sidecar (clusters before 1.29; a Job then never completes)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;sidecar;results' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector of the pods, e.g. -l app=web')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector of the pods, e.g. -l app=web')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Only this app container''s results (repeatable)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only this app container''s results (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'SAF threshold file; exit code 3 if a result violates it, 0 if all meet it')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80}''')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for fetching one pod''s results')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every kept result, oldest first, not only the newest')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results, no notes on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results, no notes on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-cinc_scan;sidecar;run' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Scan only this container (repeatable; default: every container marked CINC_SCAN_TARGET=<name> by `sidecar inject`)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two scans')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'How many results to keep per target')
            [CompletionResult]::new('--results-dir', '--results-dir', [CompletionResultType]::ParameterName, 'Where the results volume is mounted')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: a YAML file, a directory (e.g. a mounted ConfigMap) or builtin:NAME (repeatable; default: builtin:container-baseline)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'SAF threshold file; the log line says whether each scan meets it')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80, failed.critical.max: 0}''')
            [CompletionResult]::new('--post-results', '--post-results', [CompletionResultType]::ParameterName, 'POST each HDF document to this http(s) URL after it is written (token from $CINC_SCAN_POST_TOKEN or --post-token-file; same retries as a scan''s --post-results)')
            [CompletionResult]::new('--post-token-file', '--post-token-file', [CompletionResultType]::ParameterName, 'File that holds the bearer token for --post-results (e.g. a mounted Secret)')
            [CompletionResult]::new('--post-ca-file', '--post-ca-file', [CompletionResultType]::ParameterName, 'PEM bundle of the CAs to trust for --post-results')
            [CompletionResult]::new('--post-timeout', '--post-timeout', [CompletionResultType]::ParameterName, 'Time limit for each POST')
            [CompletionResult]::new('--post-retries', '--post-retries', [CompletionResultType]::ParameterName, 'Retries of a POST after a 5xx, 429 or connection error')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file content read per file (e.g. 1Mi)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit of one target''s scan (0 for none)')
            [CompletionResult]::new('--discover', '--discover', [CompletionResultType]::ParameterName, 'How to find the targets: env (the CINC_SCAN_TARGET marker in their environment, no API rights), api (the pod''s own status through its ServiceAccount, matched to /proc/<pid>/cgroup; needs get on pods), auto (env, then api when a target is missing and a ServiceAccount token is mounted)')
            [CompletionResult]::new('--proc-dir', '--proc-dir', [CompletionResultType]::ParameterName, 'The proc filesystem to look for targets in (tests)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Scan once and exit with the scan''s code (for tests and Jobs; a native sidecar must not exit)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;sidecar;cat' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Only this container''s results (repeatable)')
            [CompletionResult]::new('--results-dir', '--results-dir', [CompletionResultType]::ParameterName, 'Where the results volume is mounted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every kept result, oldest first, not only the newest')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-cinc_scan;sidecar;help' {
            [CompletionResult]::new('inject', 'inject', [CompletionResultType]::ParameterValue, 'Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar')
            [CompletionResult]::new('results', 'results', [CompletionResultType]::ParameterValue, 'Fetch and print the sidecar''s latest results (through exec of the scanner binary)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'In-pod mode, run by the scanner container: scan the pod''s targets every --interval')
            [CompletionResult]::new('cat', 'cat', [CompletionResultType]::ParameterValue, 'In-pod mode: print the newest HDF document of each target, one per line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;sidecar;help;inject' {
            break
        }
        'kubectl-cinc_scan;sidecar;help;results' {
            break
        }
        'kubectl-cinc_scan;sidecar;help;run' {
            break
        }
        'kubectl-cinc_scan;sidecar;help;cat' {
            break
        }
        'kubectl-cinc_scan;sidecar;help;help' {
            break
        }
        'kubectl-cinc_scan;help' {
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List, show or describe profiles')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege ServiceAccount, Role and binding a scan needs')
            [CompletionResult]::new('job', 'job', [CompletionResultType]::ParameterValue, 'Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or delete it')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)')
            [CompletionResult]::new('sidecar', 'sidecar', [CompletionResultType]::ParameterValue, 'Scan from inside the pod: inject a scanner sidecar into manifests, fetch its results')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-cinc_scan;help;profiles' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in profiles (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in profile''s YAML, or check a profile file and list its controls')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the profile format')
            break
        }
        'kubectl-cinc_scan;help;profiles;list' {
            break
        }
        'kubectl-cinc_scan;help;profiles;show' {
            break
        }
        'kubectl-cinc_scan;help;profiles;schema' {
            break
        }
        'kubectl-cinc_scan;help;completion' {
            break
        }
        'kubectl-cinc_scan;help;rbac' {
            break
        }
        'kubectl-cinc_scan;help;job' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)')
            [CompletionResult]::new('results', 'results', [CompletionResultType]::ParameterValue, 'Merge a Job''s shard results from its pods'' logs and print them like a local scan')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete every object `kubectl cinc-scan job` made for NAME')
            break
        }
        'kubectl-cinc_scan;help;job;run' {
            break
        }
        'kubectl-cinc_scan;help;job;results' {
            break
        }
        'kubectl-cinc_scan;help;job;delete' {
            break
        }
        'kubectl-cinc_scan;help;cleanup' {
            break
        }
        'kubectl-cinc_scan;help;token' {
            break
        }
        'kubectl-cinc_scan;help;sidecar' {
            [CompletionResult]::new('inject', 'inject', [CompletionResultType]::ParameterValue, 'Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar')
            [CompletionResult]::new('results', 'results', [CompletionResultType]::ParameterValue, 'Fetch and print the sidecar''s latest results (through exec of the scanner binary)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'In-pod mode, run by the scanner container: scan the pod''s targets every --interval')
            [CompletionResult]::new('cat', 'cat', [CompletionResultType]::ParameterValue, 'In-pod mode: print the newest HDF document of each target, one per line')
            break
        }
        'kubectl-cinc_scan;help;sidecar;inject' {
            break
        }
        'kubectl-cinc_scan;help;sidecar;results' {
            break
        }
        'kubectl-cinc_scan;help;sidecar;run' {
            break
        }
        'kubectl-cinc_scan;help;sidecar;cat' {
            break
        }
        'kubectl-cinc_scan;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
