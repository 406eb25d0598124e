; Ruby references.
; require / require_relative: the path is the module (relative paths
; resolve against indexed files by their trailing path)
((call
   !receiver
   method: (identifier) @_m
   arguments: (argument_list . (string (string_content) @reference.import))) @import
 (#any-of? @_m "require" "require_relative" "load" "autoload"))

; include / extend / prepend Mixin: module conformance
((call
   !receiver
   method: (identifier) @_m
   arguments: (argument_list [(constant) (scope_resolution)] @reference.implements))
 (#any-of? @_m "include" "extend" "prepend"))

; superclass
(class superclass: (superclass [(constant) (scope_resolution)] @reference.extends))

; X.new / A::X.new construct X
((call
   receiver: [(constant) (scope_resolution)] @reference.new
   method: (identifier) @_m)
 (#eq? @_m "new"))

; calls: bare f(), f, and recv.m(); the receiver is the qualifier
((call
   !receiver
   method: (identifier) @reference.call)
 (#not-any-of? @reference.call "require" "require_relative" "load" "autoload"
   "include" "extend" "prepend" "new" "attr_accessor" "attr_reader"
   "attr_writer" "private" "public" "protected" "module_function"))
; (a constant method is never `new`: one pattern, one analysis of `call` in
; tree-sitter's query compiler instead of two)
((call
   receiver: (_) @scope
   method: [(identifier) (constant)] @reference.call)
 (#not-eq? @reference.call "new"))

; receiver bindings (extract_refs.c): x = T.new, @x = T.new
((assignment left: [(identifier) (instance_variable)] @binding.var
   right: (call receiver: [(constant) (scope_resolution)] @binding.new method: (identifier) @_new))
 (#eq? @_new "new"))
