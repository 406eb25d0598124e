; Python references.
(call function: (identifier) @reference.call)
; o.m(), self.m(), cls.m(), mod.f(), a.b.C(), super().m() (a method of
; the caller's bases)
(call function: (attribute object: (_) @scope attribute: (identifier) @reference.call))
; a decorator is a call of its function: @dataclass, @app.route (with
; arguments the call patterns above match)
((decorator (identifier) @reference.call)
 (#not-any-of? @reference.call "property" "staticmethod" "classmethod"))
(decorator (attribute) @reference.call)

; annotations (builtin types left out): x: T, def f(a: T) -> R, list[T], Optional["T"], mod.T
((type (identifier) @reference.type)
 (#not-any-of? @reference.type "int" "str" "float" "bool" "bytes" "complex" "object" "None"
   "list" "dict" "set" "frozenset" "tuple" "type"))
(type (attribute) @reference.type)
(type (string (string_content) @reference.type))
((generic_type (identifier) @reference.type)
 (#not-any-of? @reference.type "int" "str" "float" "bool" "bytes" "complex" "object" "None"
   "list" "dict" "set" "frozenset" "tuple" "type"))
(type_parameter (type (string (string_content) @reference.type)))

; class C(Base, mod.Base, metaclass=M): the metaclass keyword is not a base
(class_definition superclasses: (argument_list (identifier) @reference.extends))
(class_definition superclasses: (argument_list (attribute) @reference.extends))

; import a.b; import a.b as c; from m import x, y as z; from m import *
; (an alias is the import's @scope: the name the file uses)
(import_statement name: (dotted_name) @reference.import) @import
(import_statement name: (aliased_import name: (dotted_name) @reference.import alias: (identifier) @scope)) @import
(import_from_statement module_name: (_) @module name: (dotted_name) @reference.import) @import
(import_from_statement module_name: (_) @module name: (aliased_import name: (dotted_name) @reference.import alias: (identifier) @scope)) @import
(import_from_statement (wildcard_import)) @import
(future_import_statement) @import

; receiver bindings (extract_refs.c): x: T, def f(x: T), x = T(...),
; self.x = T(...), self.x: T and class-level annotations
(assignment left: [(identifier) (attribute)] @binding.var type: (type) @binding.type)
(assignment left: [(identifier) (attribute)] @binding.var right: (call function: [(identifier) (attribute)] @binding.call))
(typed_parameter . (identifier) @binding.var type: (type) @binding.type)
(typed_default_parameter name: (identifier) @binding.var type: (type) @binding.type)
; parameters and locals of unknown type (binding.var alone): a bare call
; of one has no static callee, whatever function shares its name
(parameters (identifier) @binding.var)
(default_parameter name: (identifier) @binding.var)
(lambda_parameters (identifier) @binding.var)
(assignment left: (identifier) @binding.var)
(for_statement left: (identifier) @binding.var)
(for_statement left: (pattern_list (identifier) @binding.var))
