package confo_test

import (
	"context"
	"fmt"
	"log"

	"github.com/alicebob/miniredis/v2"

	"github.com/confo-dev/confo/confo"
)

// must keeps the walkthrough as short as the Python original.
func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func object(pairs ...string) confo.Value {
	members := make([]confo.Member, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		members = append(members, confo.Member{Key: pairs[i], Value: confo.StringValue(pairs[i+1])})
	}
	return confo.ObjectValue(members...)
}

// Example_seedWalkthrough replays the user's Redis walkthrough step by step:
// one instance writes and persists, a second one reloads and reads.
func Example_seedWalkthrough() {
	server, err := miniredis.Run()
	must(err)
	defer server.Close()
	ctx := context.Background()

	config := confo.New()
	defer config.Close()
	cred := map[string]any{"redis_host": server.Host(), "redis_port": server.Port()}
	must(config.LoadBackend(ctx, "redis_backend", confo.BackendRedis, cred))
	must(config.ActivateBackend("redis_backend"))
	fmt.Println(config.Backends())

	must(config.CreateNamespace("database"))
	namespaces, err := config.Namespaces()
	must(err)
	fmt.Printf("%q\n", namespaces)
	must(config.UseNamespace("database"))
	namespaces, err = config.Namespaces()
	must(err)
	fmt.Printf("%q\n", namespaces)

	must(config.Set("mysqli", object("host", "localhost", "db_name", "sambe_db", "user", "root")))
	must(config.Set("postgres", object("host", "localhost", "db_name", "sambe_db", "user", "root123")))
	all, err := config.GetAll()
	must(err)
	fmt.Println(all["mysqli"], all["postgres"])
	mysqli, err := config.Get("mysqli")
	must(err)
	fmt.Println(mysqli)
	dbName, err := config.GetField("postgres", "db_name")
	must(err)
	fmt.Println(dbName)

	must(config.Persist(ctx))
	fmt.Println(server.Keys())
	confoKey, _ := server.Get("confo")
	fmt.Println(confoKey)
	mysqliKey, _ := server.Get("database-mysqli")
	fmt.Println(mysqliKey)

	must(config.SetField("mysqli", "user", confo.StringValue("maddox1")))
	must(config.SetField("mysqli", "permissions", confo.StringValue("read, write, delete, update")))
	must(config.PersistNamespace(ctx, "database"))
	must(config.PersistConfig(ctx, "database", "mysqli"))

	// The second instance shares nothing with the first but Redis. (The
	// Python result listed both backends because its backends were class
	// state shared by every instance.)
	config2 := confo.New()
	defer config2.Close()
	must(config2.LoadBackend(ctx, "redis2_backend", confo.BackendRedis, cred))
	must(config2.ActivateBackend("redis2_backend"))
	fmt.Println(config2.Backends())
	namespaces, err = config2.Namespaces()
	must(err)
	fmt.Printf("%q\n", namespaces.All)
	must(config2.UseNamespace("database"))
	must(config2.Reload(ctx))
	all, err = config2.GetAll()
	must(err)
	fmt.Println(all["postgres"])
	fmt.Println(all["mysqli"])
	host, err := config2.GetField("mysqli", "host")
	must(err)
	fmt.Println(host.Str())

	// Output:
	// {[redis_backend] redis_backend}
	// {["database"] ""}
	// {["database"] "database"}
	// {"host": "localhost", "db_name": "sambe_db", "user": "root"} {"host": "localhost", "db_name": "sambe_db", "user": "root123"}
	// {"host": "localhost", "db_name": "sambe_db", "user": "root"}
	// "sambe_db"
	// [confo database database-mysqli database-postgres]
	// {"namespaces": ["database"]}
	// {"host": "localhost", "db_name": "sambe_db", "user": "root"}
	// {[redis2_backend] redis2_backend}
	// ["database"]
	// {"host": "localhost", "db_name": "sambe_db", "user": "root123"}
	// {"host": "localhost", "db_name": "sambe_db", "user": "maddox1", "permissions": "read, write, delete, update"}
	// localhost
}
