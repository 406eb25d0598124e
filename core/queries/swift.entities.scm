; Swift definitions. One grammar node serves class, struct, enum, actor and
; extension; its declaration_kind tells them apart. Functions in a type body
; become methods through nesting; `init` and `deinit` are methods by those
; names. An extension is an impl block named after the extended type.
(class_declaration declaration_kind: ["class" "actor"] name: (type_identifier) @name) @definition.class
(class_declaration declaration_kind: "struct" name: (type_identifier) @name) @definition.struct
(class_declaration declaration_kind: "enum" name: (type_identifier) @name) @definition.enum
(class_declaration declaration_kind: "extension" name: (user_type (type_identifier) @name .)) @definition.impl
(protocol_declaration name: (type_identifier) @name) @definition.interface
(typealias_declaration name: (type_identifier) @name) @definition.typedef

; one pattern per node type where the captures allow: tree-sitter's query
; compiler analyses each pattern's node steps against the whole parse table
(function_declaration name: [(simple_identifier) "==" "!=" "<" ">" "<=" ">=" "+" "-" "*" "/" "%"] @name) @definition.function
(protocol_function_declaration name: (simple_identifier) @name) @definition.function
(init_declaration "init" @name) @definition.method
(deinit_declaration "deinit" @name) @definition.method
