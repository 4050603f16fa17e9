#compdef kubectl-cinc_scan

autoload -U is-at-least

_kubectl-cinc_scan() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'-n+[Namespace of the targets (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the targets (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'-l+[Label selector, e.g. -l app=web,tier!=cache]:SELECTOR:_default' \
'--selector=[Label selector, e.g. -l app=web,tier!=cache]:SELECTOR:_default' \
'*-c+[Container to scan (repeatable; default\: every running app container)]:NAME:_default' \
'*--container=[Container to scan (repeatable; default\: every running app container)]:NAME:_default' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'--cluster=[The kubeconfig cluster to use]:NAME:_default' \
'--user=[The kubeconfig user to use]:NAME:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--profile=[Profile to run\: a YAML file, a directory of them, or builtin\:NAME (repeatable; default\: builtin\:container-baseline)]:PATH|builtin:NAME:_default' \
'-o+[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"))' \
'--output=[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"))' \
'--output-dir=[Also write one HDF JSON file per container into this directory]:DIR:_files' \
'--access=[How to reach the container'\''s filesystem]:ACCESS:((auto\:"exec into the container with its own shell"
exec\:"exec into the container with its own shell; fail if it has none"))' \
'(-l --selector --all -A --all-namespaces -c --container)--root=[Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)]:DIR:_files' \
'--timeout=[Time limit for each container, e.g. 90s, 2m (0 for none)]:DURATION:_default' \
'--concurrency=[How many containers to scan at once]:N:_default' \
'--max-file-size=[Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)]:BYTES:_default' \
'--color=[When to colour the table]:WHEN:(auto always never)' \
'-A[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all-namespaces[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all[Scan every pod of the namespace]' \
'-q[Print only results\: no progress, no notes on stderr]' \
'--quiet[Print only results\: no progress, no notes on stderr]' \
'--no-progress[Do not draw progress bars]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::targets -- Pods to scan\: pod/NAME, pods/NAME, po/NAME or NAME:_default' \
":: :_kubectl-cinc_scan_commands" \
"*::: :->kubectl cinc-scan" \
&& ret=0
    case $state in
    (kubectl cinc-scan)
        words=($line[2] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-command-$line[2]:"
        case $line[2] in
            (profiles)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
":: :_kubectl-cinc_scan__subcmd__profiles_commands" \
"*::: :->profiles" \
&& ret=0

    case $state in
    (profiles)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-profiles-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
':profile -- A built-in name (e.g. container-baseline) or a path to a profile file:_default' \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__profiles__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-profiles-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(completion)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-help-command-$line[1]:"
        case $line[1] in
            (profiles)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__help__subcmd__profiles_commands" \
"*::: :->profiles" \
&& ret=0

    case $state in
    (profiles)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-help-profiles-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(completion)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_kubectl-cinc_scan_commands] )) ||
_kubectl-cinc_scan_commands() {
    local commands; commands=(
'profiles:List, show or describe profiles' \
'completion:Print a shell completion script (bash, zsh, fish, powershell, elvish)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__completion_commands] )) ||
_kubectl-cinc_scan__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan completion commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__help_commands() {
    local commands; commands=(
'profiles:List, show or describe profiles' \
'completion:Print a shell completion script (bash, zsh, fish, powershell, elvish)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__completion_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help completion commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles_commands() {
    local commands; commands=(
'list:List the built-in profiles (the default)' \
'show:Print a built-in profile'\''s YAML, or check a profile file and list its controls' \
'schema:Print the JSON Schema of the profile format' \
    )
    _describe -t commands 'kubectl-cinc_scan help profiles commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__list_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help profiles list commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__schema_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help profiles schema commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__show_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help profiles show commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles_commands() {
    local commands; commands=(
'list:List the built-in profiles (the default)' \
'show:Print a built-in profile'\''s YAML, or check a profile file and list its controls' \
'schema:Print the JSON Schema of the profile format' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan profiles commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help_commands() {
    local commands; commands=(
'list:List the built-in profiles (the default)' \
'show:Print a built-in profile'\''s YAML, or check a profile file and list its controls' \
'schema:Print the JSON Schema of the profile format' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan profiles help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__list_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help list commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__schema_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help schema commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__show_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help show commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__list_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles list commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__schema_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles schema commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__show_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles show commands' commands "$@"
}

if [ "$funcstack[1]" = "_kubectl-cinc_scan" ]; then
    _kubectl-cinc_scan "$@"
else
    compdef _kubectl-cinc_scan kubectl-cinc_scan
fi
