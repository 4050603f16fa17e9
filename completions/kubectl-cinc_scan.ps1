
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
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many containers to scan at once')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it')
            [CompletionResult]::new('--threshold-inline', '--threshold-inline', [CompletionResultType]::ParameterName, 'SAF threshold inline, e.g. ''{compliance.min: 80, failed.critical.max: 0}''')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report file: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)')
            [CompletionResult]::new('--post-results', '--post-results', [CompletionResultType]::ParameterName, 'POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered')
            [CompletionResult]::new('--post-token-env', '--post-token-env', [CompletionResultType]::ParameterName, 'Environment variable that holds the bearer token for --post-results [default: CINC_SCAN_POST_TOKEN, if set]')
            [CompletionResult]::new('--post-token-file', '--post-token-file', [CompletionResultType]::ParameterName, 'File that holds the bearer token for --post-results')
            [CompletionResult]::new('--post-ca-file', '--post-ca-file', [CompletionResultType]::ParameterName, 'PEM bundle of the CAs to trust for --post-results (instead of the system''s)')
            [CompletionResult]::new('--post-timeout', '--post-timeout', [CompletionResultType]::ParameterName, 'Time limit for each POST, e.g. 30s')
            [CompletionResult]::new('--post-retries', '--post-retries', [CompletionResultType]::ParameterName, 'Retries of a POST after a 5xx, 429 or connection error (with backoff and jitter)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'With -f DIR, read its subdirectories too')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'With -f DIR, read its subdirectories too')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look for pods in every namespace (with -l, --all, or alone)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look for pods in every namespace (with -l, --all, or alone)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Scan every pod of the namespace')
            [CompletionResult]::new('--ephemeral-identity', '--ephemeral-identity', [CompletionResultType]::ParameterName, 'Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results: no progress, no notes on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results: no progress, no notes on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Do not draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List, show or describe profiles')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege ServiceAccount, Role and binding a scan needs')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)')
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
        'kubectl-cinc_scan;help' {
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List, show or describe profiles')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege ServiceAccount, Role and binding a scan needs')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)')
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
        'kubectl-cinc_scan;help;cleanup' {
            break
        }
        'kubectl-cinc_scan;help;token' {
            break
        }
        'kubectl-cinc_scan;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
