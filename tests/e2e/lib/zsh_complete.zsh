# SPDX-License-Identifier: MIT
# Completes command lines in a real interactive zsh and prints what the
# completion offered: for each line read on stdin, one line
#   LINE<TAB>MATCH<TAB>MATCH...
# with the matches sorted, as zsh would insert them (quoted). The zsh runs in a pseudo-terminal (zsh/zpty),
# with compinit, the completion functions of $1 first in $fpath, and
# compadd wrapped to record every match it adds.
#
#   zsh -f zsh_complete.zsh COMPLETIONS_DIR < lines
zmodload zsh/zpty || exit 77
emulate -L zsh
setopt err_return

local dir=${1:?usage: zsh_complete.zsh COMPLETIONS_DIR}
local tmp=${TMPDIR:-/tmp}/zsh-complete.$$
mkdir -p $tmp
trap "rm -rf ${(q)tmp}" EXIT
local record=$tmp/matches

cat >$tmp/setup.zsh <<SETUP
PS1='> ' RPS1= PROMPT_EOL_MARK=
bindkey -e
unsetopt auto_list auto_menu list_beep beep
fpath=(${(q)dir:A} \$fpath)
autoload -Uz compinit && compinit -u -D
# Records the matches of every call that adds them; calls that only ask
# (-O, -A, -D before the words) pass through untouched.
compadd() {
  local -a _zc_matches _zc_opts=("\${(@)@[1,\${@[(i)(-|--)]}-1]}")
  if (( \${_zc_opts[(I)-[OAD]*]} )); then
    builtin compadd "\$@"
    return
  fi
  builtin compadd -O _zc_matches "\$@"
  (( \$#_zc_matches )) && print -rl -- \$_zc_matches >> ${(q)record}
  builtin compadd "\$@"
}
# TAB completes, then says so: zsh abandons a completion when keys are
# already waiting, so the next keys are typed only after this message.
_zc_count=0
_zc_complete() {
  zle complete-word
  zle -M "ZC-COMPLETED-\$(( ++_zc_count ))"
}
zle -N _zc_complete
bindkey '^I' _zc_complete
SETUP

zpty shell "HOME=${(q)tmp} TERM=xterm zsh -f -i"
local out n=0 completed=0
# Waits until the shell has run everything typed so far.
sync_shell() {
  (( ++n ))
  zpty -w shell $'\C-u'"print -r ZC-DONE-\$(( $n ))"
  zpty -r shell out "*ZC-DONE-$n"$'\r'"*"
}
zpty -w shell "source ${(q)tmp}/setup.zsh"
sync_shell

local line
while IFS= read -r line; do
  : >$record
  zpty -w -n shell "$line"$'\t'
  zpty -r shell out "*ZC-COMPLETED-$(( ++completed ))[^0-9]*"
  sync_shell
  print -r -- "$line"$'\t'${(pj:\t:)${(ou)${(f)"$(<$record)"}}}
done
zpty -d shell
