# Shared by the tests that run the commands of the documentation
# (manpages.sh, guide.sh).

# available COMMAND-LINE: whether the ciscosec command a documented command
# line runs is built yet (other commands always are). Leading VAR=value
# words are skipped.
available() {
    local -a words
    read -ra words <<<"$1"
    while [[ ${words[0]:-} == *=* ]]; do words=("${words[@]:1}"); done
    case ${words[0]:-} in
    ciscosec) [[ ${words[1]:-} == -* ]] || ciscosec "${words[1]:-}" --help >/dev/null 2>&1 ;;
    tlvfile | sgnfile | stripsgn | enccnf | mkcert | certhash)
        ciscosec --list-links | grep -qx "${words[0]}"
        ;;
    *) return 0 ;;
    esac
}
