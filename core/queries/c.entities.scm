; C definitions. Functions are found through up to two pointer levels of
; their declarator (functions returning pointers); structs, unions and enums
; only where they have a body (a mention such as `struct node *n` is a
; reference, not a definition).
(function_definition
  declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator declarator: (identifier) @name))) @definition.function
(function_definition
  declarator: (pointer_declarator
    declarator: (pointer_declarator
      declarator: (function_declarator declarator: (identifier) @name)))) @definition.function

; int (f) (int): a parenthesised declarator (Lua's LUA_API int (lua_gettop))
(function_definition
  declarator: (function_declarator
    declarator: (parenthesized_declarator (identifier) @name))) @definition.function

; function-like macros
(preproc_function_def name: (identifier) @name) @definition.function

(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

; typedef struct { ... } point_t; an anonymous type defined by a typedef is
; that type, named after the typedef
(type_definition
  type: [(struct_specifier !name body: (_)) (union_specifier !name body: (_))]
  declarator: (type_identifier) @name) @definition.struct
(type_definition
  type: (enum_specifier !name body: (_))
  declarator: (type_identifier) @name) @definition.enum

; typedef struct list { ... } list_t; the struct keeps its own range, the
; typedef is the name after it (its own line), so the struct does not nest
; inside the typedef
(type_definition
  type: [(struct_specifier name: (_) body: (_))
         (union_specifier name: (_) body: (_))
         (enum_specifier name: (_) body: (_))]
  declarator: (type_identifier) @name @definition.typedef)

; every other typedef: typedef unsigned long hash_t; typedef struct node
; node_t; typedef int *intp; typedef int (*cmp_fn)(...)
(type_definition
  type: [(primitive_type) (sized_type_specifier) (type_identifier)
         (struct_specifier !body) (union_specifier !body) (enum_specifier !body)]
  declarator: [(type_identifier) @name
               (pointer_declarator declarator: (type_identifier) @name)
               (function_declarator
                 declarator: (parenthesized_declarator
                   (pointer_declarator declarator: (type_identifier) @name)))
               (function_declarator declarator: (type_identifier) @name)]) @definition.typedef
