List<Entity> ExtractEntities(string[] tags)
{
    var entities = new List<Entity>();
    string type = null; // the type of the entity being read, null outside entities
    int start = 0;
    for (int i = 0; i < tags.Length; i++)
    {
        string tag = tags[i];
        if (tag.StartsWith("I-") && tag[2..] == type) continue; // continues the open entity
        if (type != null) entities.Add(new Entity(type, start, i));
        if (tag == "O")
        {
            type = null;
        }
        else
        {
            type = tag[2..]; // B-X, or an I-X that continues nothing: a new entity
            start = i;
        }
    }
    if (type != null) entities.Add(new Entity(type, start, tags.Length));
    return entities;
}
