; Go definitions. A type_spec is captured (not the whole type_declaration)
; so every spec of a grouped `type ( ... )` block gets its own range.
(function_declaration name: (identifier) @name) @definition.function

; methods: the receiver's type (T, *T, T[K], *T[K]) is the scope
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [(type_identifier) @scope
             (pointer_type (type_identifier) @scope)
             (generic_type type: (type_identifier) @scope)
             (pointer_type (generic_type type: (type_identifier) @scope))]))
  name: (field_identifier) @name) @definition.method

(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
; other named types (type Unit int, type Handler func(...)) and aliases
(type_spec name: (type_identifier) @name
  type: [(type_identifier) (qualified_type) (generic_type) (pointer_type)
         (slice_type) (array_type) (map_type) (channel_type) (function_type)
         (negated_type) (parenthesized_type)]) @definition.typedef
(type_alias name: (type_identifier) @name) @definition.typedef

; interface methods become methods of the interface through nesting
(method_elem name: (field_identifier) @name) @definition.function
